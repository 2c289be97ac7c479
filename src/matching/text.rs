//! Thesis–project relevance: terms without stop words, and BM25 statistics over the projects.

use std::collections::HashMap;

use crate::domain::text::tokens;

/// Common Indonesian and English words that say nothing about an investment.
const STOP_WORDS: &[&str] = &[
    // Indonesian
    "ada", "adalah", "agar", "akan", "antara", "atau", "bagi", "bahwa", "banyak", "belum", "dalam",
    "dan", "dapat", "dari", "dengan", "di", "dua", "hingga", "ini", "itu", "jika", "juga", "ke",
    "kami", "karena", "kita", "lebih", "melalui", "mereka", "oleh", "pada", "para", "saat",
    "sebagai", "secara", "sudah", "tahun", "telah", "tersebut", "untuk", "yang",
    // English
    "a", "about", "all", "also", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can",
    "for", "from", "has", "have", "in", "into", "is", "it", "its", "more", "not", "of", "on", "or",
    "our", "over", "such", "than", "that", "the", "their", "this", "through", "to", "we", "which",
    "will", "with", "within",
];

/// BM25 parameters: term-frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A thesis counts at most this many distinct terms.
pub const MAX_QUERY_TERMS: usize = 32;

/// The terms of a text: lower-case tokens of two or more characters, stop words removed.
pub fn terms(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter(|t| t.chars().count() >= 2 && !STOP_WORDS.contains(&t.as_str()))
        .collect()
}

/// An inverted index of project texts, by project position.
#[derive(Debug, Clone, Default)]
pub struct TextIndex {
    term_ids: HashMap<String, u32>,
    /// For each term: (project position, BM25 term weight), positions ascending.
    postings: Vec<Vec<(u32, f32)>>,
    doc_len: Vec<u16>,
    avg_len: f64,
}

/// A thesis term found in the corpus, with its inverse document frequency.
#[derive(Debug, Clone)]
pub struct QueryTerm {
    pub term: String,
    pub id: u32,
    pub idf: f64,
}

impl TextIndex {
    pub fn build<'a>(docs: impl IntoIterator<Item = &'a str>) -> Self {
        let mut index = TextIndex::default();
        let mut counted: Vec<Vec<(u32, u16)>> = Vec::new();
        for doc in docs {
            let doc_terms = terms(doc);
            index
                .doc_len
                .push(u16::try_from(doc_terms.len()).unwrap_or(u16::MAX));
            let mut counts: HashMap<u32, u16> = HashMap::new();
            for term in doc_terms {
                let next = index.term_ids.len() as u32;
                let id = *index.term_ids.entry(term).or_insert(next);
                *counts.entry(id).or_default() += 1;
            }
            let mut counts: Vec<(u32, u16)> = counts.into_iter().collect();
            counts.sort_unstable();
            counted.push(counts);
        }
        let total: u64 = index.doc_len.iter().map(|&l| u64::from(l)).sum();
        index.avg_len = if index.doc_len.is_empty() {
            1.0
        } else {
            (total as f64 / index.doc_len.len() as f64).max(1.0)
        };
        index.postings = vec![Vec::new(); index.term_ids.len()];
        for (position, counts) in counted.into_iter().enumerate() {
            let norm = index.norm(index.doc_len[position]);
            for (id, tf) in counts {
                index.postings[id as usize].push((position as u32, Self::weight(tf, norm)));
            }
        }
        for postings in &mut index.postings {
            postings.shrink_to_fit();
        }
        index
    }

    pub fn doc_count(&self) -> usize {
        self.doc_len.len()
    }

    /// The distinct thesis terms that occur in the corpus, in thesis order, at most
    /// [`MAX_QUERY_TERMS`]. Terms found in more than half the projects are left out: like stop
    /// words, they tell projects apart too little to be worth scanning.
    pub fn query(&self, thesis: &str) -> Vec<QueryTerm> {
        let n = self.doc_count() as f64;
        let mut out: Vec<QueryTerm> = Vec::new();
        for term in terms(thesis) {
            if out.len() == MAX_QUERY_TERMS || out.iter().any(|q| q.term == term) {
                continue;
            }
            if let Some(&id) = self.term_ids.get(&term) {
                let df = self.postings[id as usize].len() as f64;
                if df > n / 2.0 {
                    continue;
                }
                out.push(QueryTerm {
                    term,
                    id,
                    idf: ((n - df + 0.5) / (df + 0.5) + 1.0).ln(),
                });
            }
        }
        out
    }

    /// A term's postings: (project position, BM25 term weight), positions ascending.
    pub fn postings(&self, term: u32) -> &[(u32, f32)] {
        &self.postings[term as usize]
    }

    /// BM25's length normalisation for a document of `doc_len` terms.
    pub fn norm(&self, doc_len: u16) -> f64 {
        K1 * (1.0 - B + B * f64::from(doc_len) / self.avg_len)
    }

    /// The query-independent part of a term's BM25 score in a document: `tf·(K1+1) / (tf+norm)`,
    /// kept in the postings so that a query only multiplies by the term's idf.
    pub fn weight(tf: u16, norm: f64) -> f32 {
        let tf = f64::from(tf);
        (tf * (K1 + 1.0) / (tf + norm)) as f32
    }

    /// One term's BM25 contribution: its idf times its weight in the document.
    pub fn contribution(idf: f64, weight: f32) -> f64 {
        idf * f64::from(weight)
    }

    /// Bytes held by the index, for the memory report.
    pub fn heap_bytes(&self) -> usize {
        self.postings
            .iter()
            .map(|p| p.capacity() * std::mem::size_of::<(u32, f32)>())
            .sum::<usize>()
            + self.postings.capacity() * std::mem::size_of::<Vec<(u32, f32)>>()
            + self.doc_len.capacity() * 2
            + self
                .term_ids
                .keys()
                .map(|k| k.capacity() + 32)
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_and_single_letters_are_not_terms() {
        assert_eq!(
            terms("Energi surya untuk a rural grid and the city"),
            ["energi", "surya", "rural", "grid", "city"]
        );
    }

    #[test]
    fn rarer_terms_weigh_more() {
        let index = TextIndex::build(["solar power plant", "solar rooftop", "water plant", "port"]);
        let q = index.query("solar rooftop");
        assert_eq!(q.len(), 2);
        assert!(
            q[1].idf > q[0].idf,
            "rooftop (1 doc) outweighs solar (2 docs)"
        );
    }
}
