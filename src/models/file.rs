//! A project's photos and documents (`project_files`) and the record of data room openings
//! (`file_downloads`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{file_downloads, project_files};

/// A stored file of a project; its bytes are in the file store under `object_key`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = project_files)]
pub struct FileRow {
    pub id: String,
    pub project_id: String,
    pub kind: String,
    pub confidential: bool,
    pub title_id: String,
    pub title_en: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub object_key: String,
    pub thumbnail_key: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub uploaded_by: String,
    pub created_at: NaiveDateTime,
}

impl FileRow {
    /// The keys of the objects this file is kept in: the file, and a photo's thumbnail.
    pub fn object_keys(&self) -> Vec<&str> {
        [
            Some(self.object_key.as_str()),
            self.thumbnail_key.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

pub fn insert(conn: &mut AnyConnection, row: &FileRow) -> QueryResult<()> {
    diesel::insert_into(project_files::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The file `id` of project `project_id`: a file asked for under another project is not found.
pub fn find(conn: &mut AnyConnection, project_id: &str, id: &str) -> QueryResult<Option<FileRow>> {
    project_files::table
        .filter(project_files::id.eq(id))
        .filter(project_files::project_id.eq(project_id))
        .select(FileRow::as_select())
        .first(conn)
        .optional()
}

/// The project's files, photos first, each kind oldest first.
pub fn of_project(conn: &mut AnyConnection, project_id: &str) -> QueryResult<Vec<FileRow>> {
    project_files::table
        .filter(project_files::project_id.eq(project_id))
        .order((
            project_files::kind.desc(),
            project_files::created_at.asc(),
            project_files::id.asc(),
        ))
        .select(FileRow::as_select())
        .load(conn)
}

pub fn delete(conn: &mut AnyConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(project_files::table.find(id)).execute(conn)
}

/// Records that `account_id` opened the data room document `file_id`.
pub fn record_download(
    conn: &mut AnyConnection,
    file_id: &str,
    project_id: &str,
    account_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(file_downloads::table)
        .values((
            file_downloads::id.eq(uuid::Uuid::new_v4().to_string()),
            file_downloads::file_id.eq(file_id),
            file_downloads::project_id.eq(project_id),
            file_downloads::account_id.eq(account_id),
            file_downloads::at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Who opened the data room document `file_id`, and when, oldest first.
pub fn downloads_of(
    conn: &mut AnyConnection,
    file_id: &str,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    file_downloads::table
        .filter(file_downloads::file_id.eq(file_id))
        .order(file_downloads::at.asc())
        .select((file_downloads::account_id, file_downloads::at))
        .load(conn)
}

/// Every opening of the project's data room documents: file, account and time, the latest first.
pub fn openings_of_project(
    conn: &mut AnyConnection,
    project_id: &str,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    file_downloads::table
        .filter(file_downloads::project_id.eq(project_id))
        .order(file_downloads::at.desc())
        .select((
            file_downloads::file_id,
            file_downloads::account_id,
            file_downloads::at,
        ))
        .load(conn)
}
