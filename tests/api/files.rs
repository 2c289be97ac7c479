//! A project's photos and documents: typed by content, photos stripped of metadata, bounded in
//! size without leftovers, removed with their objects, and shown to each caller as the data room
//! rules say. Each test has its own database and its own file store folder; with
//! `SEPADAN_TEST_S3_URL` set, the round trip runs on an S3-compatible store too.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{ImageFormat, RgbImage};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::Value;

use crate::helpers::{TestApp, TestUser, code, spawn_app, spawn_with, test_settings};

/// Region X, whose projects the tests use, and another region.
const X: &str = "73.73";
const Y: &str = "73.22";

/// A multipart form: `fields` in order, then the file part.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = format!("sepadan-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A small PDF of about `size` bytes.
pub fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.resize(size.saturating_sub(6).max(bytes.len()), b' ');
    bytes.extend_from_slice(b"\n%%EOF");
    bytes
}

fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    })
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    picture(width, height)
        .write_to(&mut out, ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// A JPEG carrying an EXIF segment (APP1) with a GPS position in it, as phones write them.
fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    picture(width, height)
        .write_to(&mut out, ImageFormat::Jpeg)
        .unwrap();
    let plain = out.into_inner();
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(b"GPSLatitude S 2 59 31.2 GPSLongitude E 120 11 45.6");
    let length = u16::try_from(exif.len() + 2).unwrap().to_be_bytes();
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1, length[0], length[1]]);
    jpeg.extend_from_slice(&exif);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

/// The markers of a JPEG's segments before its image data.
fn jpeg_markers(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG starts with SOI");
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + length;
    }
    markers
}

/// The files under `folder`, however deep.
fn stored_files(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(stored_files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn store_folder(app: &TestApp) -> PathBuf {
    let url = &app.state.settings.storage.url;
    PathBuf::from(
        url.strip_prefix("file://")
            .expect("a test stores files in a folder"),
    )
}

/// Uploads `bytes` as `file_name` with the form's `fields` to project `project`.
pub async fn upload(
    app: &TestApp,
    token: Option<&str>,
    project: &str,
    fields: &[(&str, &str)],
    file_name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let (content_type, body) = multipart(fields, Some((file_name, bytes)));
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/projects/{project}/files")))
        .header("content-type", content_type)
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("upload sent");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A file's bytes and headers as `token`'s holder downloads them.
async fn fetch(app: &TestApp, token: Option<&str>, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("download sent");
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

const PHOTO: &[(&str, &str)] = &[("kind", "photo"), ("title_en", "The site from the road")];
const DOCUMENT: &[(&str, &str)] = &[
    ("kind", "document"),
    ("title_id", "Studi kelayakan"),
    ("title_en", "Feasibility study"),
];
const CONFIDENTIAL: &[(&str, &str)] = &[
    ("kind", "document"),
    ("confidential", "true"),
    ("title_en", "Financial model"),
];

/// Region X's official, region Y's, staff, and X's published project and draft.
struct Region {
    official: TestUser,
    other_official: TestUser,
    staff: TestUser,
    published: String,
    draft: String,
}

async fn region(app: &TestApp) -> Region {
    let official = app.user(Role::Official, Some(X)).await;
    let other_official = app.user(Role::Official, Some(Y)).await;
    let staff = app.user(Role::Staff, None).await;
    let published = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body(X, "Harbour solar", "3510", "90000000000"),
        )
        .await;
    let (status, draft) = app
        .post(
            "/api/v1/projects",
            Some(&official.token),
            TestApp::project_body(X, "Market roof", "3510", "7000000000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    Region {
        official,
        other_official,
        staff,
        published,
        draft: draft["id"].as_str().unwrap().to_owned(),
    }
}

/// The round trip of a document and a photo on `app`'s store.
async fn round_trip(app: &TestApp) {
    let r = region(app).await;
    let token = Some(r.official.token.as_str());
    // Larger than one part of a multipart upload (5 MiB), so that it goes up in several.
    let document = pdf(6 << 20);
    let (status, doc) = upload(
        app,
        token,
        &r.draft,
        DOCUMENT,
        "Studi kelayakan (2026).pdf",
        &document,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    assert_eq!(doc["media_type"], "application/pdf");
    assert_eq!(doc["size_bytes"], document.len());
    assert_eq!(doc["title"]["en"], "Feasibility study");
    assert_eq!(doc["has_thumbnail"], false);
    let photo = png(1000, 600);
    let (status, shot) = upload(app, token, &r.draft, PHOTO, "site.png", &photo).await;
    assert_eq!(status, StatusCode::CREATED, "{shot}");
    assert_eq!(
        (shot["width"].as_i64(), shot["height"].as_i64()),
        (Some(1000), Some(600))
    );

    let (status, list) = app
        .get(&format!("/api/v1/projects/{}/files", r.draft), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [shot["id"].as_str().unwrap(), doc["id"].as_str().unwrap()],
        "photos first"
    );
    assert_eq!(list["may_manage"], true);

    let base = format!("/api/v1/projects/{}/files", r.draft);
    let (status, headers, body) = fetch(
        app,
        token,
        &format!("{base}/{}", doc["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body == document, "the document comes back as it went up");
    assert_eq!(header(&headers, "content-type"), "application/pdf");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&headers, "content-disposition"),
        "attachment; filename=\"Studi kelayakan (2026).pdf\"; \
         filename*=UTF-8''Studi%20kelayakan%20%282026%29.pdf"
    );
    assert_eq!(
        header(&headers, "content-length"),
        document.len().to_string()
    );

    let (status, headers, body) = fetch(
        app,
        token,
        &format!("{base}/{}", shot["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "image/png");
    assert!(header(&headers, "content-disposition").starts_with("inline;"));
    let stored = image::load_from_memory(&body).unwrap();
    assert_eq!((stored.width(), stored.height()), (1000, 600));
    let (status, headers, body) = fetch(
        app,
        token,
        &format!("{base}/{}/thumbnail", shot["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "image/png");
    let thumbnail = image::load_from_memory(&body).unwrap();
    assert_eq!((thumbnail.width(), thumbnail.height()), (480, 288));
    let (status, _, _) = fetch(
        app,
        token,
        &format!("{base}/{}/thumbnail", doc["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a document has no thumbnail");

    for file in [&doc, &shot] {
        let path = format!("{base}/{}", file["id"].as_str().unwrap());
        let (status, _) = app.call(Method::DELETE, &path, token, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _, _) = fetch(app, token, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // Past the limit, on whatever store: refused, and no row.
    let (status, body) = upload(app, token, &r.draft, DOCUMENT, "big.pdf", &pdf(26 << 20)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(code(&body), "file_too_large");
    let (_, list) = app.get(&base, token).await;
    assert_eq!(list["items"], serde_json::json!([]));
}

#[tokio::test]
async fn a_document_and_a_photo_go_up_and_come_back_with_their_detected_types() {
    let app = spawn_app().await;
    round_trip(&app).await;
    assert!(
        stored_files(&store_folder(&app)).is_empty(),
        "deleting removed every object"
    );
}

/// Runs when `SEPADAN_TEST_S3_URL` (`s3://bucket`) names a bucket of the S3-compatible server at
/// `SEPADAN_TEST_S3_ENDPOINT`, with the credentials in `AWS_ACCESS_KEY_ID` and
/// `AWS_SECRET_ACCESS_KEY` (`.ci/run` starts one); each run uses a prefix of its own.
#[tokio::test]
async fn the_round_trip_works_on_an_s3_compatible_store() {
    let Ok(url) = std::env::var("SEPADAN_TEST_S3_URL") else {
        eprintln!("SEPADAN_TEST_S3_URL is not set: the S3 round trip is skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    let prefix = uuid::Uuid::new_v4().to_string();
    settings.storage.url = format!("{}/{prefix}", url.trim_end_matches('/'));
    let endpoint = std::env::var("SEPADAN_TEST_S3_ENDPOINT").unwrap_or_default();
    settings.storage.s3_endpoint = endpoint.clone();
    let app = spawn_with(settings, dir).await;
    round_trip(&app).await;

    // The deletes and the aborted upload left nothing under the run's prefix.
    let bucket = url.trim_start_matches("s3://").trim_end_matches('/');
    let bucket = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_endpoint(&endpoint)
        .with_allow_http(endpoint.starts_with("http://"))
        .build()
        .unwrap();
    let prefix = object_store::path::Path::from(prefix);
    let left: Vec<_> =
        futures_util::StreamExt::collect(object_store::ObjectStore::list(&bucket, Some(&prefix)))
            .await;
    assert!(left.is_empty(), "objects left in the bucket: {left:?}");
}

#[tokio::test]
async fn the_content_decides_the_type_whatever_the_name_says() {
    let app = spawn_app().await;
    let r = region(&app).await;
    let token = Some(r.official.token.as_str());
    let png = png(40, 30);
    let (status, body) = upload(&app, token, &r.draft, DOCUMENT, "report.pdf", &png).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "unsupported_file_type");
    let (status, body) = upload(&app, token, &r.draft, PHOTO, "report.pdf", &png).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["media_type"], "image/png");
    assert_eq!(body["file_name"], "report.pdf.png");
    let (status, body) = upload(&app, token, &r.draft, PHOTO, "plan.png", &pdf(2000)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a PDF is no photo: {body}");

    let executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\0\0".repeat(20);
    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec();
    let text = b"Just some words in a text file.\n".to_vec();
    for (name, bytes) in [
        ("setup.pdf", executable),
        ("page.pdf", html),
        ("notes.pdf", text),
    ] {
        let (status, body) = upload(&app, token, &r.draft, DOCUMENT, name, &bytes).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
        assert_eq!(code(&body), "unsupported_file_type", "{name}");
    }

    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook
        .add_worksheet()
        .write_string(0, 0, "Capex")
        .unwrap();
    let xlsx = workbook.save_to_buffer().unwrap();
    let (status, body) = upload(&app, token, &r.draft, DOCUMENT, "model", &xlsx).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["media_type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(body["file_name"], "model.xlsx");
    let zip = [b"PK\x03\x04".as_slice(), &[0u8; 26], b"readme.txt"].concat();
    let (status, body) = upload(&app, token, &r.draft, DOCUMENT, "bundle.zip", &zip).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["media_type"], "application/zip");

    let (_, list) = app
        .get(&format!("/api/v1/projects/{}/files", r.draft), token)
        .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        3,
        "only the accepted files: {list}"
    );
    assert_eq!(
        stored_files(&store_folder(&app)).len(),
        4,
        "a photo, its thumbnail, two documents"
    );
}

#[tokio::test]
async fn a_photo_loses_its_exif_metadata_and_keeps_its_pixels() {
    let app = spawn_app().await;
    let r = region(&app).await;
    let token = Some(r.official.token.as_str());
    let jpeg = jpeg_with_exif(640, 480);
    assert!(
        jpeg_markers(&jpeg).contains(&0xE1),
        "the upload carries EXIF"
    );
    let (status, body) = upload(&app, token, &r.draft, PHOTO, "IMG_0001.JPG", &jpeg).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["media_type"], "image/jpeg");
    let path = format!(
        "/api/v1/projects/{}/files/{}",
        r.draft,
        body["id"].as_str().unwrap()
    );
    for address in [path.clone(), format!("{path}/thumbnail")] {
        let (status, headers, stored) = fetch(&app, token, &address).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, "content-type"), "image/jpeg");
        assert!(
            !jpeg_markers(&stored).contains(&0xE1),
            "{address}: no APP1 segment"
        );
        let text = String::from_utf8_lossy(&stored);
        assert!(!text.contains("Exif") && !text.contains("GPS"), "{address}");
    }
}

#[tokio::test]
async fn an_upload_over_its_limit_answers_413_and_leaves_neither_row_nor_object() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    settings.storage.max_file_mb = 1;
    settings.storage.max_photo_mb = 1;
    settings.storage.max_photo_megapixels = 1;
    let app = spawn_with(settings, dir).await;
    let r = region(&app).await;
    let token = Some(r.official.token.as_str());
    let (status, body) = upload(
        &app,
        token,
        &r.draft,
        DOCUMENT,
        "big.pdf",
        &pdf((1 << 20) + 1),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(code(&body), "file_too_large");
    let mut noise = png(8, 8);
    noise.resize((1 << 20) + 1, 0);
    let (status, body) = upload(&app, token, &r.draft, PHOTO, "big.png", &noise).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    // Small as a file, too many pixels once decoded.
    let (status, body) = upload(&app, token, &r.draft, PHOTO, "wide.png", &png(1500, 1000)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(code(&body), "file_too_large");

    let (_, list) = app
        .get(&format!("/api/v1/projects/{}/files", r.draft), token)
        .await;
    assert_eq!(list["items"], serde_json::json!([]));
    assert_eq!(stored_files(&store_folder(&app)), Vec::<PathBuf>::new());
    let (status, body) = upload(&app, token, &r.draft, DOCUMENT, "small.pdf", &pdf(1 << 20)).await;
    assert_eq!(status, StatusCode::CREATED, "just within the limit: {body}");
}

#[tokio::test]
async fn deleting_a_file_removes_its_objects_and_only_insiders_may() {
    let app = spawn_app().await;
    let r = region(&app).await;
    let token = Some(r.official.token.as_str());
    let (_, photo) = upload(&app, token, &r.published, PHOTO, "site.png", &png(600, 400)).await;
    let (_, doc) = upload(&app, token, &r.published, DOCUMENT, "plan.pdf", &pdf(3000)).await;
    let folder = store_folder(&app);
    assert_eq!(stored_files(&folder).len(), 3);
    let path = |file: &Value| {
        format!(
            "/api/v1/projects/{}/files/{}",
            r.published,
            file["id"].as_str().unwrap()
        )
    };
    let investor = app.user(Role::Investor, None).await;
    for (who, expected) in [
        (&investor.token, StatusCode::FORBIDDEN),
        (&r.other_official.token, StatusCode::FORBIDDEN),
    ] {
        let (status, _) = app
            .call(Method::DELETE, &path(&photo), Some(who), None)
            .await;
        assert_eq!(status, expected);
    }
    let (status, _) = app.call(Method::DELETE, &path(&photo), None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        stored_files(&folder).len(),
        3,
        "refused deletes remove nothing"
    );

    let (status, _) = app
        .call(Method::DELETE, &path(&photo), Some(&r.staff.token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        stored_files(&folder).len(),
        1,
        "the photo and its thumbnail are gone"
    );
    let (status, _) = app.call(Method::DELETE, &path(&photo), token, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let elsewhere = format!(
        "/api/v1/projects/{}/files/{}",
        r.draft,
        doc["id"].as_str().unwrap()
    );
    let (status, _) = app.call(Method::DELETE, &elsewhere, token, None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a file is found under its own project only"
    );
    let (status, _) = app.call(Method::DELETE, &path(&doc), token, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(stored_files(&folder).is_empty());
}

#[tokio::test]
async fn the_public_sees_photos_and_public_documents_but_never_the_data_room() {
    let app = spawn_app().await;
    let r = region(&app).await;
    let token = Some(r.official.token.as_str());
    let (_, photo) = upload(&app, token, &r.published, PHOTO, "site.png", &png(300, 200)).await;
    let (_, public) = upload(
        &app,
        token,
        &r.published,
        DOCUMENT,
        "brochure.pdf",
        &pdf(2000),
    )
    .await;
    let (status, secret) = upload(
        &app,
        token,
        &r.published,
        CONFIDENTIAL,
        "model.pdf",
        &pdf(2000),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{secret}");
    assert_eq!(secret["confidential"], true);
    let (status, body) = upload(
        &app,
        token,
        &r.published,
        &[
            ("kind", "photo"),
            ("confidential", "true"),
            ("title_en", "x"),
        ],
        "a.png",
        &png(10, 10),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a photo is never confidential: {body}"
    );

    let investor = app.user(Role::Investor, None).await;
    let list_path = format!("/api/v1/projects/{}/files", r.published);
    let file_path = |file: &Value| format!("{list_path}/{}", file["id"].as_str().unwrap());
    for who in [
        None,
        Some(investor.token.as_str()),
        Some(r.other_official.token.as_str()),
    ] {
        let (status, list) = app.get(&list_path, who).await;
        assert_eq!(status, StatusCode::OK);
        let seen: Vec<&Value> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| &f["id"])
            .collect();
        assert_eq!(seen, [&photo["id"], &public["id"]], "{list}");
        assert_eq!(list["may_manage"], false);
        assert!(
            list["items"][0].get("uploaded_by").is_none(),
            "who uploaded is the region's to know"
        );
        for file in [&photo, &public] {
            let (status, _, _) = fetch(&app, who, &file_path(file)).await;
            assert_eq!(status, StatusCode::OK);
        }
        let (status, _, body) = fetch(&app, who, &file_path(&secret)).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{}",
            String::from_utf8_lossy(&body)
        );
    }
    let (status, body) = upload(
        &app,
        Some(&r.other_official.token),
        &r.published,
        DOCUMENT,
        "x.pdf",
        &pdf(500),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = upload(
        &app,
        Some(&investor.token),
        &r.published,
        DOCUMENT,
        "x.pdf",
        &pdf(500),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = upload(&app, None, &r.published, DOCUMENT, "x.pdf", &pdf(500)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    for who in [&r.official, &r.staff] {
        let (_, list) = app.get(&list_path, Some(&who.token)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 3, "{list}");
        assert_eq!(list["may_manage"], true);
        let (status, headers, _) = fetch(&app, Some(&who.token), &file_path(&secret)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, "cache-control"), "private, no-store");
        assert!(header(&headers, "content-disposition").starts_with("attachment;"));
    }
    let (_, headers, _) = fetch(&app, None, &file_path(&public)).await;
    assert_eq!(header(&headers, "cache-control"), "private");

    // Staff's opening is recorded; the region's own is not.
    let db = app.state.db.clone();
    let secret_id = secret["id"].as_str().unwrap().to_owned();
    let opened = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        sepadan::models::file::downloads_of(&mut conn, &secret_id).unwrap()
    })
    .await
    .unwrap();
    let openers: Vec<&str> = opened.iter().map(|(account, _)| account.as_str()).collect();
    assert_eq!(openers, [r.staff.id.as_str()]);

    // A draft's files are not there for the public, even by their addresses.
    let (_, draft_photo) = upload(&app, token, &r.draft, PHOTO, "roof.png", &png(50, 50)).await;
    let draft_list = format!("/api/v1/projects/{}/files", r.draft);
    for who in [
        None,
        Some(investor.token.as_str()),
        Some(r.other_official.token.as_str()),
    ] {
        let (status, _) = app.get(&draft_list, who).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let address = format!("{draft_list}/{}", draft_photo["id"].as_str().unwrap());
        let (status, _, _) = fetch(&app, who, &address).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_form_that_cannot_be_taken_is_refused_with_a_stable_code() {
    let app = spawn_app().await;
    let r = region(&app).await;
    let path = format!("/api/v1/projects/{}/files", r.draft);
    let send = async |content_type: &str, body: Vec<u8>| {
        let response = app
            .client
            .post(app.url(&path))
            .bearer_auth(&r.official.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (
            status,
            response.json::<Value>().await.unwrap_or(Value::Null),
        )
    };
    let (status, body) = send("application/json", b"{}".to_vec()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    let (content_type, form) = multipart(&[("kind", "photo"), ("title_en", "x")], None);
    let (status, body) = send(&content_type, form).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        "{body}"
    );
    assert!(body["error"]["fields"].get("file").is_some(), "{body}");
    let (content_type, form) = multipart(
        &[("kind", "photo"), ("colour", "red")],
        Some(("a.png", &png(4, 4))),
    );
    let (status, body) = send(&content_type, form).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_body"),
        "{body}"
    );
    let (content_type, form) = multipart(
        &[("kind", "video"), ("title_en", "x")],
        Some(("a.png", &png(4, 4))),
    );
    let (status, body) = send(&content_type, form).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        "{body}"
    );
    let (content_type, form) = multipart(&[("kind", "document")], Some(("a.pdf", &pdf(100))));
    let (status, body) = send(&content_type, form).await;
    assert!(
        body["error"]["fields"].get("title").is_some(),
        "{status} {body}"
    );
    let (content_type, form) = multipart(
        &[("kind", "document"), ("title_en", "a\u{1b}b")],
        Some(("a.pdf", &pdf(100))),
    );
    let (status, body) = send(&content_type, form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = send(
        "multipart/form-data; boundary=x",
        b"--x\r\ngarbage".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(stored_files(&store_folder(&app)).is_empty());
}

#[tokio::test]
async fn the_pages_upload_list_and_remove_files_and_hide_the_data_room() {
    let app = spawn_app().await;
    let r = region(&app).await;
    let token = Some(r.official.token.as_str());
    let (_, secret) = upload(
        &app,
        token,
        &r.published,
        CONFIDENTIAL,
        "model.pdf",
        &pdf(900),
    )
    .await;
    let session = app.page_session(&r.official.email).await;
    let (content_type, form) = multipart(PHOTO, Some(("site.png", &png(900, 600))));
    let response = crate::helpers::no_redirects()
        .post(app.url(&format!("/my-projects/{}/files", r.published)))
        .header("origin", &app.address)
        .header("cookie", &session)
        .header("content-type", content_type)
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, list) = app
        .get(&format!("/api/v1/projects/{}/files", r.published), token)
        .await;
    let photo = list["items"][0]["id"].as_str().unwrap().to_owned();

    let (status, own) = app
        .page_as(
            &format!("/my-projects/{}", r.published),
            Some(&session),
            "id",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        own.contains("enctype=\"multipart/form-data\""),
        "the upload form"
    );
    assert!(
        own.contains("Financial model") && own.contains("ruang data"),
        "the region sees its data room, a title given in English only in English"
    );
    assert!(own.contains(&format!(
        "/my-projects/{}/files/{photo}/delete",
        r.published
    )));

    let (status, public) = app
        .page_as(&format!("/opportunities/{}", r.published), None, "id")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains("Foto dan dokumen"), "{public}");
    assert!(public.contains(&format!(
        "/opportunities/{}/files/{photo}/thumbnail",
        r.published
    )));
    assert!(
        !public.contains("Financial model"),
        "the data room is not listed to the public"
    );
    assert!(!public.contains("multipart/form-data") && !public.contains("/delete"));
    let secret_page = format!(
        "/opportunities/{}/files/{}",
        r.published,
        secret["id"].as_str().unwrap()
    );
    let (status, _) = app.page_as(&secret_page, None, "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let thumbnail = format!("/opportunities/{}/files/{photo}/thumbnail", r.published);
    let (status, headers, _) = fetch(&app, None, &thumbnail).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "image/png");

    let removed = app
        .submit(
            &format!("/my-projects/{}/files/{photo}/delete", r.published),
            &session,
            &[],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    let (status, _, _) = fetch(&app, None, &thumbnail).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
