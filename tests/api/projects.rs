use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::json;

use crate::helpers::{TestApp, code, refused_fields, spawn_app};

#[tokio::test]
async fn an_official_publishes_a_project_through_staff_review() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let body = TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000");
    let (status, created) = app
        .post("/api/v1/projects", Some(&official.token), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "draft");
    assert_eq!(
        created["value"],
        json!({"amount": "180000000000", "currency": "IDR"})
    );
    let id = created["id"].as_str().unwrap();

    assert_eq!(
        app.get(&format!("/api/v1/projects/{id}"), None).await.0,
        StatusCode::NOT_FOUND,
        "drafts are hidden"
    );
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{id}/publish"),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a draft cannot be published before it is submitted"
    );
    let (status, submitted) = app
        .post(
            &format!("/api/v1/projects/{id}/submit"),
            Some(&official.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(submitted["status"], "submitted");
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{id}/publish"),
            Some(&official.token),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "regions do not publish their own projects"
    );
    let (status, published) = app
        .post(
            &format!("/api/v1/projects/{id}/publish"),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(published["status"], "published");
    let (status, public) = app.get(&format!("/api/v1/projects/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public.get("history").is_none(),
        "the review history is not public"
    );
    let (_, insider) = app
        .get(&format!("/api/v1/projects/{id}"), Some(&official.token))
        .await;
    assert_eq!(insider["history"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn staff_send_a_submission_back_with_a_comment_and_the_region_edits_it() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.22")).await;
    let staff = app.user(Role::Staff, None).await;
    let (_, created) = app
        .post(
            "/api/v1/projects",
            Some(&official.token),
            TestApp::project_body("73.22", "Cocoa processing", "1073", "25000000000"),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/projects/{id}/submit"),
        Some(&official.token),
        json!({}),
    )
    .await;
    let (status, patched) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/projects/{id}"),
            Some(&official.token),
            Some(json!({"stage": "idea"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a submitted project is not edited by its region: {patched}"
    );
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{id}/request-changes"),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a comment is required"
    );
    let (status, back) = app
        .post(
            &format!("/api/v1/projects/{id}/request-changes"),
            Some(&staff.token),
            json!({"comment": "Add the land status"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(back["status"], "draft");
    assert_eq!(back["review_comment"], "Add the land status");
    let (status, edited) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/projects/{id}"),
            Some(&official.token),
            Some(json!({"readiness": {"land_status": "acquired"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["readiness"]["land_status"], "acquired");
    assert_eq!(
        edited["sectors"],
        json!(["1073"]),
        "fields not in the change stay"
    );
}

#[tokio::test]
async fn an_official_cannot_touch_another_regions_project() {
    let app = spawn_app().await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let maros = app.user(Role::Official, Some("73.09")).await;
    let (status, _) = app
        .post(
            "/api/v1/projects",
            Some(&maros.token),
            TestApp::project_body("73.73", "Not mine", "3510", "1000"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, created) = app
        .post(
            "/api/v1/projects",
            Some(&palopo.token),
            TestApp::project_body("73.73", "Mine", "3510", "1000"),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/projects/{id}");
    assert_eq!(
        app.get(&path, Some(&maros.token)).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = app
        .call(
            Method::PATCH,
            &path,
            Some(&maros.token),
            Some(json!({"stage": "idea"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post(&format!("{path}/submit"), Some(&maros.token), json!({}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, body) = app
        .call(
            Method::PATCH,
            &path,
            Some(&palopo.token),
            Some(json!({"region": "73.09"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the owner cannot be changed: {body}"
    );
    let (_, unchanged) = app.get(&path, Some(&palopo.token)).await;
    assert_eq!(unchanged["region"], "73.73");
}

#[tokio::test]
async fn investors_and_visitors_do_not_list_drafts() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    app.post(
        "/api/v1/projects",
        Some(&official.token),
        TestApp::project_body("73.73", "Draft", "3510", "1000"),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/projects?status=draft", Some(&investor.token))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/projects?status=draft", None).await.0,
        StatusCode::FORBIDDEN
    );
    let (_, public) = app.get("/api/v1/projects", None).await;
    assert_eq!(public["total"], 0);
    let (_, own) = app
        .get("/api/v1/projects?status=draft", Some(&official.token))
        .await;
    assert_eq!(own["total"], 1);
    let other = app.user(Role::Official, Some("73.09")).await;
    let (_, others) = app
        .get("/api/v1/projects?status=draft", Some(&other.token))
        .await;
    assert_eq!(
        others["total"], 0,
        "officials see only their own region's drafts"
    );
}

async fn catalogue(app: &TestApp) {
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let balikpapan = app.user(Role::Official, Some("64.71")).await;
    let mut solar = TestApp::project_body("73.73", "Solar rooftops", "3510", "180000000000");
    solar["description"]["en"] = json!("Photovoltaic panels on government buildings.");
    app.published_project(&palopo, &staff, solar).await;
    let mut water = TestApp::project_body("73.73", "Clean water network", "3600", "50000000000");
    water["dimensions"] = json!(["LIV"]);
    water["elements"] = json!(["LIV-2"]);
    water["instruments"] = json!(["debt"]);
    app.published_project(&palopo, &staff, water).await;
    let mut port = TestApp::project_body(
        "64.71",
        "Logistics port for the IKN corridor",
        "5222",
        "20000000",
    );
    port["value"] = json!({"amount": "20000000", "currency": "USD"});
    port["dimensions"] = json!(["ECO"]);
    port["elements"] = json!([]);
    port["stage"] = json!("ready_to_offer");
    app.published_project(&balikpapan, &staff, port).await;
}

fn titles(page: &serde_json::Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"]["en"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn projects_are_filtered_by_place_sector_dimension_and_more() {
    let app = spawn_app().await;
    catalogue(&app).await;
    let cases: [(&str, Vec<&str>); 10] = [
        ("province=73", vec!["Clean water network", "Solar rooftops"]),
        ("region=64.71", vec!["Logistics port for the IKN corridor"]),
        (
            "ikn_related=true",
            vec!["Logistics port for the IKN corridor"],
        ),
        ("sector=35", vec!["Solar rooftops"]),
        ("sector=D", vec!["Solar rooftops"]),
        ("sector=E", vec!["Clean water network"]),
        ("dimension=LIV", vec!["Clean water network"]),
        ("element=ENV-3", vec!["Solar rooftops"]),
        (
            "stage=ready_to_offer&instrument=ppp",
            vec!["Logistics port for the IKN corridor"],
        ),
        ("instrument=debt", vec!["Clean water network"]),
    ];
    for (query, expected) in cases {
        let (status, page) = app
            .get(&format!("/api/v1/projects?{query}&sort=relevance&q="), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{query}");
        let mut got = titles(&page);
        got.sort();
        assert_eq!(got, expected, "{query}");
    }
}

#[tokio::test]
async fn value_filters_compare_across_currencies_at_dated_rates() {
    let app = spawn_app().await;
    catalogue(&app).await;
    // USD 20m is about IDR 333 bn at the shipped sample rate (16,650 per USD).
    let (_, over_200bn) = app
        .get("/api/v1/projects?min_value=200000000000&currency=IDR", None)
        .await;
    assert_eq!(titles(&over_200bn), ["Logistics port for the IKN corridor"]);
    let (_, under_usd_5m) = app
        .get(
            "/api/v1/projects?max_value=5000000&currency=USD&sort=value",
            None,
        )
        .await;
    assert_eq!(titles(&under_usd_5m), ["Clean water network"]);
    let (_, by_value) = app.get("/api/v1/projects?sort=value", None).await;
    assert_eq!(
        titles(&by_value),
        [
            "Logistics port for the IKN corridor",
            "Solar rooftops",
            "Clean water network"
        ]
    );
    let (status, body) = app
        .get("/api/v1/projects?min_value=10&max_value=5", None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&body), "validation_failed");
}

#[tokio::test]
async fn full_text_search_covers_both_languages_and_ranks_titles_first() {
    let app = spawn_app().await;
    catalogue(&app).await;
    let (_, english) = app.get("/api/v1/projects?q=photovoltaic", None).await;
    assert_eq!(titles(&english), ["Solar rooftops"]);
    let (_, indonesian) = app
        .get("/api/v1/projects?q=deskripsi%20proyek&sort=relevance", None)
        .await;
    assert_eq!(indonesian["total"], 3);
    let (_, ranked) = app
        .get("/api/v1/projects?q=network&sort=relevance", None)
        .await;
    assert_eq!(titles(&ranked), ["Clean water network"]);
    let (_, none) = app.get("/api/v1/projects?q=geothermal", None).await;
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn pages_hold_at_most_per_page_items_and_the_total_counts_all() {
    let app = spawn_app().await;
    catalogue(&app).await;
    let (_, first) = app
        .get("/api/v1/projects?per_page=2&page=1&sort=value", None)
        .await;
    let (_, second) = app
        .get("/api/v1/projects?per_page=2&page=2&sort=value", None)
        .await;
    assert_eq!(first["total"], 3);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(titles(&second), ["Clean water network"]);
}

#[tokio::test]
async fn a_closed_project_leaves_the_default_list() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let official = app.user(Role::Official, Some("73.09")).await;
    let id = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.09", "Karst tourism", "5510", "9000000000"),
        )
        .await;
    let (status, closed) = app
        .post(
            &format!("/api/v1/projects/{id}/close"),
            Some(&official.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(closed["status"], "closed");
    assert_eq!(app.get("/api/v1/projects", None).await.1["total"], 0);
    assert_eq!(
        app.get("/api/v1/projects?status=closed", None).await.1["total"],
        1
    );
}

#[tokio::test]
async fn a_project_with_three_mistakes_is_refused_naming_all_three_and_nothing_is_stored() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let mut body = TestApp::project_body("73.73", "Street lights", "3510", "0");
    body["title"] = json!({"id": " ", "en": ""});
    body["sectors"] = json!(["9999"]);
    let (status, refused) = app
        .post("/api/v1/projects", Some(&official.token), body)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused_fields(&refused),
        ["sectors", "title", "value.amount"]
    );
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("title: give it in Indonesian, English or both")
            && message.contains("sectors: `9999` is not an ISIC Rev.4 code")
            && message.contains("value.amount: must be more than zero"),
        "{message}"
    );
    let (_, drafts) = app
        .get("/api/v1/projects?status=draft", Some(&official.token))
        .await;
    assert_eq!(drafts["total"], 0, "nothing was stored");

    let body = TestApp::project_body("73.73", "Street lights", "3510", "1000");
    let (status, created) = app
        .post("/api/v1/projects", Some(&official.token), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/projects/{}", created["id"].as_str().unwrap());
    let change =
        json!({"description": {"id": "", "en": ""}, "dimensions": ["XYZ"], "kbli": "00000"});
    let (status, refused) = app
        .call(Method::PATCH, &path, Some(&official.token), Some(change))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused_fields(&refused),
        ["description", "dimensions", "kbli"]
    );
    let (_, stored) = app.get(&path, Some(&official.token)).await;
    assert_eq!(
        stored["description"], created["description"],
        "nothing changed"
    );
    assert_eq!(stored["dimensions"], created["dimensions"]);
}
