//! A project's photos and documents (its "deal room"): uploaded by its region and staff, listed
//! and fetched by whoever may see the project, confidential documents (the data room) only by
//! those `data_room::may_open` lets in (the region, staff, investors past the region's NDA).
//!
//! A file's type is read from its first bytes, never from its name or the client's word. A
//! document is streamed to the file store part by part and never held whole; a photo, bounded
//! smaller, is decoded, re-encoded without its metadata (EXIF, GPS) and given a thumbnail, off
//! the async executor. The object is written before its row, and removed again when the row
//! cannot be written or the upload breaks a limit, so a failed upload leaves nothing behind.

use std::io::Cursor;
use std::str::FromStr;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumString};
use utoipa::ToSchema;

use super::data_room;
use super::deals;
use super::projects::check_localized;
use crate::auth::{AuthenticatedUser, policy};
use crate::clock::now;
use crate::config::StorageSettings;
use crate::db::AnyConnection;
use crate::domain::Localized;
use crate::domain::deal::{DealSource, DealStage};
use crate::domain::project::ProjectStatus;
use crate::domain::text;
use crate::error::{AppError, ErrorCode};
use crate::models::file::{self as rows, FileRow};
use crate::models::project::{self as projects, ProjectRow};
use crate::state::AppState;

/// How much of a document is read to tell its type: enough for the ZIP entries that tell an
/// XLSX or a DOCX from a plain ZIP.
const SNIFF_BYTES: usize = 64 * 1024;

/// The longest file name kept, in characters.
pub const FILE_NAME: usize = 200;

/// What a file is to its project.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, AsRefStr, EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FileKind {
    /// JPEG, PNG or WebP: shown on the project's page, with a thumbnail.
    Photo,
    /// PDF, XLSX, DOCX or ZIP: downloaded; confidential ones form the data room.
    Document,
}

/// The types each kind takes, as detected from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileType {
    Jpeg,
    Png,
    Webp,
    Pdf,
    Xlsx,
    Docx,
    Zip,
}

impl FileType {
    /// The type of `head` (a file's first bytes), if it is one of ours.
    fn detect(head: &[u8]) -> Option<Self> {
        let found = infer::get(head)?;
        Some(match found.mime_type() {
            "image/jpeg" => FileType::Jpeg,
            "image/png" => FileType::Png,
            "image/webp" => FileType::Webp,
            "application/pdf" => FileType::Pdf,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => FileType::Xlsx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                FileType::Docx
            }
            "application/zip" => FileType::Zip,
            _ => return None,
        })
    }

    fn kind(self) -> FileKind {
        match self {
            FileType::Jpeg | FileType::Png | FileType::Webp => FileKind::Photo,
            _ => FileKind::Document,
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Webp => "image/webp",
            FileType::Pdf => "application/pdf",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Zip => "application/zip",
        }
    }

    /// The extensions a file of this type may carry; the first is given to one without.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Jpeg => &["jpg", "jpeg"],
            FileType::Png => &["png"],
            FileType::Webp => &["webp"],
            FileType::Pdf => &["pdf"],
            FileType::Xlsx => &["xlsx"],
            FileType::Docx => &["docx"],
            FileType::Zip => &["zip"],
        }
    }

    fn image_format(self) -> Option<ImageFormat> {
        match self {
            FileType::Jpeg => Some(ImageFormat::Jpeg),
            FileType::Png => Some(ImageFormat::Png),
            FileType::Webp => Some(ImageFormat::WebP),
            _ => None,
        }
    }
}

/// What the uploader says about a file, checked.
#[derive(Debug, Clone)]
pub struct FileDetails {
    kind: FileKind,
    confidential: bool,
    title: Localized,
    file_name: String,
}

impl FileDetails {
    /// Checks the form's fields: `kind` is `photo` or `document`; `confidential` (`true`,
    /// `on` or `1`; documents only) is absent or a yes/no; a caption or title in at least one
    /// language; the name the file was sent under, reduced to its last path segment.
    pub fn parse(
        kind: Option<&str>,
        confidential: Option<&str>,
        title_id: Option<&str>,
        title_en: Option<&str>,
        file_name: Option<&str>,
    ) -> Result<Self, AppError> {
        let kind = kind
            .and_then(|k| FileKind::from_str(k.trim()).ok())
            .ok_or_else(|| AppError::validation("kind", "must be photo or document"))?;
        let confidential = match confidential.map(str::trim).unwrap_or("") {
            "" | "false" | "off" | "0" => false,
            "true" | "on" | "1" => true,
            _ => {
                return Err(AppError::validation(
                    "confidential",
                    "must be true or false",
                ));
            }
        };
        if confidential && kind == FileKind::Photo {
            return Err(AppError::validation(
                "confidential",
                "only documents can be confidential",
            ));
        }
        let title = Localized {
            id: title_id.unwrap_or_default().to_owned(),
            en: title_en.unwrap_or_default().to_owned(),
        };
        for (field, value) in [("title_id", &title.id), ("title_en", &title.en)] {
            refuse_forbidden(field, value)?;
        }
        let title = check_localized("title", &title, text::TITLE)?;
        let file_name = file_name.unwrap_or_default();
        refuse_forbidden("file", file_name)?;
        // Browsers on some systems send the whole path; only its last segment is the name.
        let file_name = file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .trim();
        let file_name = text::within("file", file_name, FILE_NAME)?;
        Ok(FileDetails {
            kind,
            confidential,
            title,
            file_name,
        })
    }

    /// The name to serve the file under: the one given, ending in an extension of its type.
    fn name_for(&self, file_type: FileType) -> String {
        let stem = self.file_name.trim_start_matches('.');
        let extension = stem.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if extension.is_some_and(|e| file_type.extensions().contains(&e.as_str())) {
            return stem.to_owned();
        }
        let stem = if stem.is_empty() { "file" } else { stem };
        format!("{stem}.{}", file_type.extensions()[0])
    }
}

fn refuse_forbidden(field: &str, value: &str) -> Result<(), AppError> {
    match text::forbidden_char(value) {
        Some(c) => Err(AppError::validation(field, text::forbidden_message(c))),
        None => Ok(()),
    }
}

/// A file as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectFile {
    pub id: String,
    pub project_id: String,
    pub kind: FileKind,
    /// A data room document, listed only to those who may open it.
    pub confidential: bool,
    /// The caption of a photo or the title of a document.
    pub title: Localized,
    /// The name the file is downloaded under.
    pub file_name: String,
    /// Detected from the content.
    pub media_type: String,
    pub size_bytes: i64,
    /// A photo's size in pixels.
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// Whether `…/files/{file_id}/thumbnail` serves a smaller copy (photos).
    pub has_thumbnail: bool,
    /// The account that uploaded it, for the region and staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn kind_of(row: &FileRow) -> Result<FileKind, AppError> {
    FileKind::from_str(&row.kind)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("unknown file kind {}", row.kind)))
}

impl ProjectFile {
    fn of(row: FileRow, insider: bool) -> Result<Self, AppError> {
        Ok(ProjectFile {
            kind: kind_of(&row)?,
            has_thumbnail: row.thumbnail_key.is_some(),
            uploaded_by: insider.then_some(row.uploaded_by),
            created_at: row.created_at.and_utc(),
            id: row.id,
            project_id: row.project_id,
            confidential: row.confidential,
            title: Localized {
                id: row.title_id,
                en: row.title_en,
            },
            file_name: row.file_name,
            media_type: row.media_type,
            size_bytes: row.size_bytes,
            width: row.width,
            height: row.height,
        })
    }
}

/// The files of a project the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileList {
    /// Photos first, then documents, each oldest first.
    pub items: Vec<ProjectFile>,
    /// Whether the caller may add and remove the project's files.
    pub may_manage: bool,
}

/// The project, if the caller may see it (else not found, as `projects::load_visible` says).
fn visible_project(
    conn: &mut AnyConnection,
    user: Option<&AuthenticatedUser>,
    project_id: &str,
) -> Result<ProjectRow, AppError> {
    let row = projects::find(conn, project_id)?.ok_or_else(|| AppError::not_found("project"))?;
    let status = ProjectStatus::from_str(&row.status)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("unknown status {}", row.status)))?;
    if policy::can_view_project(user, &row.region_code, status) {
        Ok(row)
    } else {
        Err(AppError::not_found("project"))
    }
}

/// The project's files the caller may see: all of them for the region and staff, else the
/// photos and the documents outside the data room.
#[tracing::instrument(skip_all, fields(project = %project_id))]
pub fn list(
    conn: &mut AnyConnection,
    user: Option<&AuthenticatedUser>,
    project_id: &str,
) -> Result<FileList, AppError> {
    let project = visible_project(conn, user, project_id)?;
    let region = &project.region_code;
    let may_manage = user.is_some_and(|u| policy::may_manage_project_files(u, region).is_ok());
    let data_room = match user {
        Some(u) => data_room::may_open(conn, u, &project)?,
        None => false,
    };
    let items = rows::of_project(conn, project_id)?
        .into_iter()
        .filter(|row| !row.confidential || data_room)
        .map(|row| ProjectFile::of(row, may_manage))
        .collect::<Result<_, _>>()?;
    Ok(FileList { items, may_manage })
}

/// A project the caller may add files to: proof of the access check, asked for before any of
/// the upload is read.
pub struct UploadTarget {
    project_id: String,
}

/// Checks that the caller may add files to the project.
pub async fn upload_target(
    state: &AppState,
    user: &AuthenticatedUser,
    project_id: &str,
) -> Result<UploadTarget, AppError> {
    let (caller, id) = (user.clone(), project_id.to_owned());
    state
        .db
        .run(move |conn| {
            let project = visible_project(conn, Some(&caller), &id)?;
            policy::may_manage_project_files(&caller, &project.region_code)?;
            Ok(UploadTarget { project_id: id })
        })
        .await
}

/// The limits a photo is processed within.
#[derive(Debug, Clone, Copy)]
struct PhotoLimits {
    max_pixels: u64,
    thumbnail_width: u32,
}

/// Stores an uploaded file and its row, or nothing: `content` is the file's bytes as they
/// arrive (an error in it ends the upload with that error).
#[tracing::instrument(skip_all, fields(project = %target.project_id))]
pub async fn upload<S>(
    state: &AppState,
    user: &AuthenticatedUser,
    target: UploadTarget,
    details: FileDetails,
    content: S,
) -> Result<ProjectFile, AppError>
where
    S: Stream<Item = Result<Bytes, AppError>> + Unpin,
{
    // The first bytes are read to tell the type, then the rest; a multipart part must not be
    // read again once it has ended, which fusing rules out.
    let mut content = content.fuse();
    let settings = &state.settings.storage;
    let limit = match details.kind {
        FileKind::Photo => settings.max_photo_bytes(),
        FileKind::Document => settings.max_file_bytes(),
    };
    let mut head = Vec::new();
    while head.len() < SNIFF_BYTES
        && let Some(chunk) = content.next().await
    {
        head.extend_from_slice(&chunk?);
        refuse_over(head.len() as u64, limit)?;
    }
    if head.is_empty() {
        return Err(AppError::validation("file", "is empty"));
    }
    let file_type = FileType::detect(&head)
        .filter(|t| t.kind() == details.kind)
        .ok_or_else(|| unsupported(details.kind))?;
    let id = uuid::Uuid::new_v4().to_string();
    let object_key = format!("projects/{}/{id}", target.project_id);
    let file_name = details.name_for(file_type);
    let row = FileRow {
        id,
        project_id: target.project_id,
        kind: details.kind.as_ref().to_owned(),
        confidential: details.confidential,
        title_id: details.title.id,
        title_en: details.title.en,
        file_name,
        media_type: file_type.media_type().to_owned(),
        size_bytes: 0,
        object_key,
        thumbnail_key: None,
        width: None,
        height: None,
        uploaded_by: user.id.clone(),
        created_at: now(),
    };
    let row = match file_type.image_format() {
        Some(format) => {
            let photo = read_all(head, content, limit).await?;
            store_photo(state, settings, row, format, photo).await?
        }
        None => stream_document(state, row, head, content, limit).await?,
    };
    let stored = row.clone();
    let inserted = state
        .db
        .write(move |conn| rows::insert(conn, &stored).map_err(AppError::from))
        .await;
    if let Err(e) = inserted {
        state.files.discard(&row.object_keys()).await;
        return Err(e);
    }
    tracing::info!(file = %row.id, kind = %row.kind, bytes = row.size_bytes, "stored a project file");
    ProjectFile::of(row, true)
}

fn refuse_over(received: u64, limit: u64) -> Result<(), AppError> {
    if received > limit {
        Err(AppError::FileRefused {
            code: ErrorCode::FileTooLarge,
            message: format!("the file is larger than {} MiB", limit >> 20),
        })
    } else {
        Ok(())
    }
}

fn unsupported(kind: FileKind) -> AppError {
    let takes = match kind {
        FileKind::Photo => "a photo must be a JPEG, PNG or WebP image",
        FileKind::Document => "a document must be a PDF, XLSX, DOCX or ZIP file",
    };
    AppError::FileRefused {
        code: ErrorCode::UnsupportedFileType,
        message: format!("{takes} (read from its content)"),
    }
}

/// The whole of a photo, refused once it passes `limit`.
async fn read_all<S>(mut bytes: Vec<u8>, mut content: S, limit: u64) -> Result<Vec<u8>, AppError>
where
    S: Stream<Item = Result<Bytes, AppError>> + Unpin,
{
    while let Some(chunk) = content.next().await {
        bytes.extend_from_slice(&chunk?);
        refuse_over(bytes.len() as u64, limit)?;
    }
    Ok(bytes)
}

/// Writes a document to the store as it arrives, counting; past `limit`, or when the upload
/// breaks off, the parts written are aborted.
async fn stream_document<S>(
    state: &AppState,
    mut row: FileRow,
    head: Vec<u8>,
    mut content: S,
    limit: u64,
) -> Result<FileRow, AppError>
where
    S: Stream<Item = Result<Bytes, AppError>> + Unpin,
{
    let mut upload = state.files.upload(&row.object_key).await?;
    let mut written = head.len() as u64;
    let mut copied = upload.write(&head).await;
    while copied.is_ok() {
        let Some(chunk) = content.next().await else {
            break;
        };
        copied = match chunk {
            Ok(chunk) => {
                written += chunk.len() as u64;
                match refuse_over(written, limit) {
                    Ok(()) => upload.write(&chunk).await,
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
    }
    if let Err(e) = copied {
        upload.abort().await;
        return Err(e);
    }
    upload.finish().await?;
    row.size_bytes = i64::try_from(written).unwrap_or(i64::MAX);
    Ok(row)
}

/// Re-encodes a photo and its thumbnail off the executor and stores both.
async fn store_photo(
    state: &AppState,
    settings: &StorageSettings,
    mut row: FileRow,
    format: ImageFormat,
    photo: Vec<u8>,
) -> Result<FileRow, AppError> {
    let limits = PhotoLimits {
        max_pixels: settings.max_photo_megapixels.saturating_mul(1_000_000),
        thumbnail_width: settings.thumbnail_width,
    };
    let span = tracing::Span::current();
    let processed = tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        process_photo(&photo, format, limits)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("photo task failed: {e}")))??;
    let thumbnail_key = format!("{}.thumbnail", row.object_key);
    row.size_bytes = i64::try_from(processed.photo.len()).unwrap_or(i64::MAX);
    row.width = i32::try_from(processed.width).ok();
    row.height = i32::try_from(processed.height).ok();
    state
        .files
        .put(&row.object_key, Bytes::from(processed.photo))
        .await?;
    if let Err(e) = state
        .files
        .put(&thumbnail_key, Bytes::from(processed.thumbnail))
        .await
    {
        state.files.discard(&[&row.object_key]).await;
        return Err(e);
    }
    row.thumbnail_key = Some(thumbnail_key);
    Ok(row)
}

/// A photo as stored: re-encoded without metadata, upright, with its thumbnail.
struct Processed {
    photo: Vec<u8>,
    thumbnail: Vec<u8>,
    width: u32,
    height: u32,
}

/// Decodes a photo within the limits (its pixels counted before any is decoded), turns it
/// upright as its EXIF orientation says, and encodes it and its thumbnail afresh in its own
/// format, which carries over none of its metadata.
fn process_photo(
    bytes: &[u8],
    format: ImageFormat,
    limits: PhotoLimits,
) -> Result<Processed, AppError> {
    let unreadable = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => AppError::FileRefused {
            code: ErrorCode::FileTooLarge,
            message: "the photo decodes to more pixels than allowed".into(),
        },
        e => AppError::FileRefused {
            code: ErrorCode::UnsupportedFileType,
            message: format!("the photo cannot be read: {e}"),
        },
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut bounds = image::Limits::default();
    // Eight bytes a pixel covers 16-bit RGBA, the widest of the three formats.
    bounds.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    reader.limits(bounds);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(AppError::FileRefused {
            code: ErrorCode::FileTooLarge,
            message: format!(
                "the photo has more than {} million pixels",
                limits.max_pixels / 1_000_000
            ),
        });
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    let thumbnail = if image.width() > limits.thumbnail_width {
        image.resize(
            limits.thumbnail_width,
            u32::MAX,
            image::imageops::FilterType::Triangle,
        )
    } else {
        image.clone()
    };
    Ok(Processed {
        width: image.width(),
        height: image.height(),
        photo: encode(image, format)?,
        thumbnail: encode(thumbnail, format)?,
    })
}

/// `image` in `format`, in a pixel layout the format's encoder takes.
fn encode(image: DynamicImage, format: ImageFormat) -> Result<Vec<u8>, AppError> {
    let image = match format {
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(image.to_rgb8()),
        ImageFormat::WebP if image.color().has_alpha() => {
            DynamicImage::ImageRgba8(image.to_rgba8())
        }
        ImageFormat::WebP => DynamicImage::ImageRgb8(image.to_rgb8()),
        _ => image,
    };
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("could not encode a photo: {e}")))?;
    Ok(out.into_inner())
}

/// Which bytes of a file are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Content,
    /// A photo's thumbnail.
    Thumbnail,
}

/// A file to send: what it is, and its bytes as they come from the store.
pub struct Download {
    pub file_name: String,
    pub media_type: String,
    pub kind: FileKind,
    /// A data room document: not to be kept by shared caches.
    pub confidential: bool,
    pub size: u64,
    pub body: BoxStream<'static, Result<Bytes, std::io::Error>>,
}

/// A file of a project the caller may see, streamed from the store. A data room document is
/// not found for those who may not open it, and each opening by someone outside the region is
/// recorded before any of it is sent.
#[tracing::instrument(skip_all, fields(project = %project_id, file = %file_id))]
pub async fn download(
    state: &AppState,
    user: Option<&AuthenticatedUser>,
    project_id: &str,
    file_id: &str,
    part: Part,
) -> Result<Download, AppError> {
    let (caller, project, file) = (user.cloned(), project_id.to_owned(), file_id.to_owned());
    let (row, recorded) = state
        .db
        .run(move |conn| {
            let project = visible_project(conn, caller.as_ref(), &project)?;
            let region = &project.region_code;
            let row =
                rows::find(conn, &project.id, &file)?.ok_or_else(|| AppError::not_found("file"))?;
            let opens = match &caller {
                Some(u) => data_room::may_open(conn, u, &project)?,
                None => false,
            };
            if row.confidential && !opens {
                return Err(AppError::not_found("file"));
            }
            let recorded = caller
                .filter(|u| row.confidential && policy::records_data_room_opening(u, region))
                .map(|u| (u.id, u.investor_id, region.clone()));
            Ok((row, recorded))
        })
        .await?;
    let key = match part {
        Part::Content => row.object_key.clone(),
        Part::Thumbnail => row
            .thumbnail_key
            .clone()
            .ok_or_else(|| AppError::not_found("thumbnail"))?,
    };
    let object = state.files.get(&key).await?;
    if let Some((account, investor, region)) = recorded {
        let (file, project) = (row.id.clone(), row.project_id.clone());
        state
            .db
            .write(move |conn| {
                rows::record_download(conn, &file, &project, &account, now())?;
                // An investor's first document opens its deal's data room stage.
                if let Some(investor) = investor {
                    deals::advance(
                        conn,
                        deals::Move {
                            investor_id: &investor,
                            region_code: &region,
                            project_id: Some(&project),
                            stage: DealStage::DataRoomOpened,
                            source: DealSource::DataRoom,
                            actor_id: Some(&account),
                            meeting_id: None,
                            amount: None,
                        },
                    )?;
                }
                Ok(())
            })
            .await?;
    }
    Ok(Download {
        kind: kind_of(&row)?,
        file_name: row.file_name,
        media_type: row.media_type,
        confidential: row.confidential,
        size: object.size,
        body: object.body,
    })
}

/// Removes a file (the region and staff): its row, then its objects. An object that cannot be
/// removed is logged with its key; the file is gone from the project either way.
#[tracing::instrument(skip_all, fields(project = %project_id, file = %file_id))]
pub async fn delete(
    state: &AppState,
    user: &AuthenticatedUser,
    project_id: &str,
    file_id: &str,
) -> Result<(), AppError> {
    let (caller, project, file) = (user.clone(), project_id.to_owned(), file_id.to_owned());
    let row = state
        .db
        .write(move |conn| {
            let project = visible_project(conn, Some(&caller), &project)?;
            policy::may_manage_project_files(&caller, &project.region_code)?;
            let row =
                rows::find(conn, &project.id, &file)?.ok_or_else(|| AppError::not_found("file"))?;
            rows::delete(conn, &row.id)?;
            Ok(row)
        })
        .await?;
    state.files.discard(&row.object_keys()).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(kind: &str, name: &str) -> FileDetails {
        FileDetails::parse(Some(kind), None, Some(""), Some("Site plan"), Some(name)).unwrap()
    }

    #[test]
    fn a_file_keeps_its_name_and_gains_the_extension_of_its_type_when_it_lacks_it() {
        assert_eq!(
            details("document", "plan.PDF").name_for(FileType::Pdf),
            "plan.PDF"
        );
        assert_eq!(
            details("document", "plan.exe").name_for(FileType::Pdf),
            "plan.exe.pdf"
        );
        assert_eq!(details("document", "").name_for(FileType::Zip), "file.zip");
        assert_eq!(
            details("photo", "C:\\photos\\site.jpeg").name_for(FileType::Jpeg),
            "site.jpeg"
        );
        assert_eq!(
            details("photo", "../../.hidden").name_for(FileType::Png),
            "hidden.png"
        );
    }

    #[test]
    fn the_forms_fields_are_checked() {
        let parse = |kind, confidential, en: &str, name: &str| {
            FileDetails::parse(kind, confidential, None, Some(en), Some(name))
                .err()
                .map(|e| e.fields().into_keys().collect::<Vec<_>>())
        };
        assert_eq!(
            parse(Some("video"), None, "x", "a"),
            Some(vec!["kind".into()])
        );
        assert_eq!(
            parse(Some("photo"), Some("true"), "x", "a"),
            Some(vec!["confidential".into()])
        );
        assert_eq!(
            parse(Some("document"), Some("maybe"), "x", "a"),
            Some(vec!["confidential".into()])
        );
        assert_eq!(
            parse(Some("document"), None, " ", "a"),
            Some(vec!["title".into()])
        );
        assert_eq!(
            parse(Some("document"), None, "a\u{7}b", "a"),
            Some(vec!["title_en".into()])
        );
        assert_eq!(
            parse(Some("document"), None, "x", "a\u{0}.pdf"),
            Some(vec!["file".into()])
        );
        assert_eq!(parse(Some("document"), Some("on"), "x", "a.pdf"), None);
    }

    #[test]
    fn types_are_read_from_the_first_bytes() {
        assert_eq!(FileType::detect(b"%PDF-1.7\n"), Some(FileType::Pdf));
        assert_eq!(
            FileType::detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(FileType::Png)
        );
        assert_eq!(FileType::detect(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(FileType::detect(b"<!DOCTYPE html><html>"), None);
        assert_eq!(FileType::detect(b"plain words"), None);
    }
}
