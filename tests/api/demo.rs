use std::collections::HashSet;

use sepadan::seed;

use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn the_demo_data_set_loads_once_and_covers_every_dimension() {
    let app = spawn_app().await;
    let first = app.load_demo().await;
    let second = app.load_demo().await;
    assert!(first.loaded && !second.loaded);
    assert!(first.projects >= 40, "{} projects", first.projects);
    assert!(first.investors >= 30, "{} investors", first.investors);
    let (_, page) = app.get("/api/v1/projects?per_page=100", None).await;
    let items = page["items"].as_array().unwrap();
    assert!(items.iter().all(|p| p["demo"] == true));
    let dimensions: HashSet<&str> = items
        .iter()
        .flat_map(|p| p["dimensions"].as_array().unwrap())
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(dimensions.len(), 6);
    for region in [
        "73.73", "73.22", "73.09", "64.09", "64.02", "64.71", "64.72",
    ] {
        let (_, detail) = app.get(&format!("/api/v1/regions/{region}"), None).await;
        assert_eq!(detail["profile"]["demo"], true, "{region}");
    }
    for email in [
        "investor@demo.sepadan.id",
        "staff@demo.sepadan.id",
        "admin@demo.sepadan.id",
        "official.palopo@demo.sepadan.id",
    ] {
        assert_eq!(
            app.login(email, seed::DEMO_PASSWORD).await.0,
            reqwest::StatusCode::OK,
            "{email}"
        );
    }
    assert_ne!(PASSWORD, seed::DEMO_PASSWORD);
}

#[tokio::test]
async fn every_demo_investor_has_at_least_five_good_matches() {
    let app = spawn_app().await;
    app.load_demo().await;
    let (_, tokens) = app
        .login("staff@demo.sepadan.id", seed::DEMO_PASSWORD)
        .await;
    let staff = tokens["access_token"].as_str().unwrap();
    let (_, investors) = app.get("/api/v1/investors?per_page=100", Some(staff)).await;
    let investors = investors["items"].as_array().unwrap();
    assert!(investors.len() >= 30);
    for investor in investors {
        let (status, page) = app
            .get(
                &format!(
                    "/api/v1/investors/{}/matches?limit=5",
                    investor["id"].as_str().unwrap()
                ),
                Some(staff),
            )
            .await;
        assert_eq!(status, reqwest::StatusCode::OK, "{page}");
        let scores: Vec<f64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["score"].as_f64().unwrap())
            .collect();
        assert_eq!(scores.len(), 5, "{}", investor["name"]);
        assert!(
            scores.iter().all(|&s| s >= 0.5),
            "{}: {scores:?}",
            investor["name"]
        );
    }
}

#[tokio::test]
async fn the_demo_has_a_forum_in_jakarta_and_a_mission_in_tokyo_with_agendas_in_both_zones() {
    let app = spawn_app().await;
    let report = app.load_demo().await;
    assert_eq!(report.events, 2);
    let (_, tokens) = app
        .login("investor@demo.sepadan.id", seed::DEMO_PASSWORD)
        .await;
    let investor = tokens["access_token"].as_str().unwrap();
    let (_, agenda) = app.get("/api/v1/me/agenda", Some(investor)).await;
    let meetings = agenda["meetings"].as_array().unwrap();
    let venue_zones: HashSet<&str> = meetings
        .iter()
        .map(|m| m["venue"]["time_zone"].as_str().unwrap())
        .collect();
    assert_eq!(
        venue_zones,
        HashSet::from(["Asia/Jakarta", "Asia/Tokyo"]),
        "{agenda}"
    );
    assert!(
        meetings
            .iter()
            .all(|m| m["your_time"]["time_zone"] == "Asia/Tokyo")
    );
    let (_, tokens) = app
        .login("official.palopo@demo.sepadan.id", seed::DEMO_PASSWORD)
        .await;
    let palopo = tokens["access_token"].as_str().unwrap();
    let (_, agenda) = app.get("/api/v1/me/agenda", Some(palopo)).await;
    assert!(
        agenda["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["place"] == "room" && m["venue"]["city"] == "Tokyo"),
        "the delegation meets in Tokyo: {agenda}"
    );
    let (_, tokens) = app
        .login("staff@demo.sepadan.id", seed::DEMO_PASSWORD)
        .await;
    let staff = tokens["access_token"].as_str().unwrap();
    let (_, events) = app.get("/api/v1/events", Some(staff)).await;
    for event in events.as_array().unwrap() {
        let id = event["id"].as_str().unwrap();
        let (status, grid) = app
            .get(&format!("/api/v1/events/{id}/meetings"), Some(staff))
            .await;
        assert_eq!(status, reqwest::StatusCode::OK);
        let placed: usize = grid["slots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["meetings"].as_array().unwrap().len())
            .sum();
        assert!(placed >= 5, "{}: {placed} meetings", event["name"]);
    }
}
