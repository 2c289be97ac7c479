//! Answers that carry a file rather than a page or JSON, shared by both faces.

use actix_web::HttpResponse;

/// A file the browser saves under `filename` instead of showing it.
pub fn attachment(content_type: &str, filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// An iCalendar body, which calendar programs subscribe to or import.
pub fn calendar(text: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(text)
}
