//! Table definitions shared by both backends (portable column types only).
//! Kept in step with `migrations/sqlite` and `migrations/postgres`.

diesel::table! {
    regions (code) {
        code -> Text,
        province_code -> Text,
        name -> Text,
        kind -> Text,
        lat -> Double,
        lng -> Double,
        tz_abbr -> Text,
        iana_tz -> Text,
        area_km2 -> Double,
        population -> BigInt,
        ikn_relation -> Nullable<Text>,
        ikn_basis -> Nullable<Text>,
    }
}

diesel::table! {
    region_profiles (region_code) {
        region_code -> Text,
        summary_id -> Text,
        summary_en -> Text,
        leading_sectors -> Text,
        maturity -> Text,
        contacts -> Text,
        incentives_id -> Text,
        incentives_en -> Text,
        documents -> Text,
        demo -> Bool,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    sectors (code) {
        code -> Text,
        level -> Text,
        parent_code -> Nullable<Text>,
        section -> Text,
        title -> Text,
        title_id -> Text,
    }
}

diesel::table! {
    dimensions (code) {
        code -> Text,
        position -> Integer,
        name_en -> Text,
        name_id -> Text,
    }
}

diesel::table! {
    elements (code) {
        code -> Text,
        dimension_code -> Text,
        name_en -> Text,
        name_id -> Text,
    }
}

diesel::table! {
    exchange_rates (currency, rate_date) {
        currency -> Text,
        rate_date -> Date,
        units_per_usd -> Text,
        source -> Text,
    }
}

diesel::table! {
    investors (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        country -> Text,
        website -> Nullable<Text>,
        description -> Text,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        verified_at -> Nullable<Timestamp>,
        verified_by -> Nullable<Text>,
        demo -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mandates (investor_id) {
        investor_id -> Text,
        sectors -> Text,
        excluded_sectors -> Text,
        dimensions -> Text,
        elements -> Text,
        regions -> Text,
        provinces -> Text,
        ikn_related -> Bool,
        ticket_min_minor -> Nullable<BigInt>,
        ticket_max_minor -> Nullable<BigInt>,
        ticket_currency -> Nullable<Text>,
        stages -> Text,
        instruments -> Text,
        thesis -> Text,
        discoverable -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        name -> Text,
        region_code -> Nullable<Text>,
        investor_id -> Nullable<Text>,
        language -> Text,
        created_at -> Timestamp,
        password_changed_at -> Timestamp,
        email_verified_at -> Nullable<Timestamp>,
        time_zone -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        cookie_hash -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invitations (token_hash) {
        token_hash -> Text,
        email -> Text,
        name -> Text,
        region_code -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    projects (id) {
        id -> Text,
        region_code -> Text,
        title_id -> Text,
        title_en -> Text,
        description_id -> Text,
        description_en -> Text,
        kbli -> Nullable<Text>,
        stage -> Text,
        value_minor -> BigInt,
        value_currency -> Text,
        expected_irr_pct -> Nullable<Double>,
        payback_years -> Nullable<Double>,
        land_note_id -> Nullable<Text>,
        permit_note_id -> Nullable<Text>,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        status -> Text,
        review_comment -> Nullable<Text>,
        search_text -> Text,
        demo -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        land_note_en -> Nullable<Text>,
        permit_note_en -> Nullable<Text>,
        risk_level -> Nullable<Text>,
        land_status -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_role -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
    }
}

diesel::table! {
    project_permits (project_id, kind) {
        project_id -> Text,
        kind -> Text,
        status -> Text,
        reference -> Nullable<Text>,
    }
}

diesel::table! {
    project_incentives (project_id, incentive) {
        project_id -> Text,
        incentive -> Text,
    }
}

diesel::table! {
    project_sectors (project_id, code) {
        project_id -> Text,
        code -> Text,
        direct -> Bool,
    }
}

diesel::table! {
    project_dimensions (project_id, code) {
        project_id -> Text,
        code -> Text,
    }
}

diesel::table! {
    project_instruments (project_id, instrument) {
        project_id -> Text,
        instrument -> Text,
    }
}

diesel::table! {
    project_events (id) {
        id -> Text,
        project_id -> Text,
        actor_id -> Text,
        from_status -> Text,
        to_status -> Text,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(projects -> regions (region_code));
diesel::joinable!(region_profiles -> regions (region_code));
diesel::joinable!(mandates -> investors (investor_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(project_sectors -> projects (project_id));
diesel::joinable!(project_dimensions -> projects (project_id));
diesel::joinable!(project_instruments -> projects (project_id));
diesel::joinable!(project_permits -> projects (project_id));
diesel::joinable!(project_incentives -> projects (project_id));
diesel::joinable!(project_events -> projects (project_id));

diesel::table! {
    outbox (id) {
        id -> Text,
        channel -> Text,
        target -> Text,
        notification_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_settings (user_id) {
        user_id -> Text,
        email_enabled -> Bool,
        muted_kinds -> Text,
        digest -> Text,
        updated_at -> Timestamp,
        last_digest_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        url -> Text,
        secret -> Text,
        event_types -> Text,
        active -> Bool,
        disabled_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meeting_reminders (meeting_id, lead_minutes, sequence) {
        meeting_id -> Text,
        lead_minutes -> Integer,
        sequence -> Integer,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    regions,
    region_profiles,
    sectors,
    dimensions,
    elements,
    exchange_rates,
    investors,
    mandates,
    users,
    sessions,
    refresh_tokens,
    invitations,
    projects,
    project_sectors,
    project_dimensions,
    project_instruments,
    project_permits,
    project_incentives,
    project_events,
    region_ndas,
    nda_acceptances,
    data_room_grants,
    deals,
    deal_steps,
    conversations,
    conversation_messages,
    conversation_reads,
    saved_searches,
    match_feedback,
    match_state,
    events,
    event_venues,
    event_days,
    delegations,
    delegation_regions,
    delegation_members,
    delegation_legs,
    event_participants,
    participant_availability,
    meeting_requests,
    meetings,
    jobs,
    notifications,
    calendar_feeds,
    outbox,
    notification_settings,
    webhook_subscriptions,
    meeting_reminders,
    account_tokens,
);

diesel::table! {
    match_feedback (investor_id, project_id) {
        investor_id -> Text,
        project_id -> Text,
        interest -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    match_state (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::joinable!(match_feedback -> projects (project_id));
diesel::joinable!(match_feedback -> investors (investor_id));

diesel::table! {
    events (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        description -> Text,
        slot_minutes -> Integer,
        travel_buffer_minutes -> Integer,
        daily_cap -> Integer,
        min_break_slots -> Integer,
        online -> Bool,
        registration_deadline -> Timestamp,
        request_deadline -> Timestamp,
        request_expiry_days -> Integer,
        demo -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        approval_required -> Bool,
    }
}

diesel::table! {
    event_venues (id) {
        id -> Text,
        event_id -> Text,
        position -> Integer,
        name -> Text,
        city -> Text,
        country -> Text,
        time_zone -> Text,
        tables -> Integer,
        rooms -> Integer,
    }
}

diesel::table! {
    event_days (venue_id, day) {
        venue_id -> Text,
        event_id -> Text,
        day -> Date,
        opens -> Text,
        closes -> Text,
        breaks -> Text,
    }
}

diesel::table! {
    delegations (id) {
        id -> Text,
        name -> Text,
        travel_buffer_minutes -> Integer,
        demo -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    delegation_regions (delegation_id, region_code) {
        delegation_id -> Text,
        region_code -> Text,
    }
}

diesel::table! {
    delegation_members (delegation_id, user_id) {
        delegation_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    delegation_legs (delegation_id, position) {
        delegation_id -> Text,
        position -> Integer,
        city -> Text,
        country -> Text,
        time_zone -> Text,
        starts_on -> Date,
        ends_on -> Date,
    }
}

diesel::table! {
    event_participants (id) {
        id -> Text,
        event_id -> Text,
        kind -> Text,
        investor_id -> Nullable<Text>,
        region_code -> Nullable<Text>,
        delegation_id -> Nullable<Text>,
        time_zone -> Text,
        daily_cap -> Nullable<Integer>,
        registered_by -> Text,
        created_at -> Timestamp,
        approved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    participant_availability (participant_id, starts_at) {
        participant_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
    }
}

diesel::table! {
    meeting_requests (id) {
        id -> Text,
        event_id -> Text,
        investor_participant_id -> Text,
        host_participant_id -> Text,
        project_id -> Nullable<Text>,
        origin -> Text,
        message -> Text,
        status -> Text,
        investor_accepted -> Bool,
        host_accepted -> Bool,
        reason -> Nullable<Text>,
        must_meet -> Bool,
        score -> Double,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        expiry_warned_at -> Nullable<Timestamp>,
        preferred_slots -> Text,
    }
}

diesel::table! {
    meetings (id) {
        id -> Text,
        event_id -> Text,
        request_id -> Text,
        venue_id -> Text,
        seat -> Integer,
        is_group -> Bool,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        status -> Text,
        sequence -> Integer,
        attendance -> Nullable<Text>,
        notes -> Nullable<Text>,
        follow_up -> Nullable<Text>,
        follow_up_amount_minor -> Nullable<BigInt>,
        follow_up_currency -> Nullable<Text>,
        outcome_by -> Nullable<Text>,
        outcome_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        event_id -> Nullable<Text>,
        status -> Text,
        progress -> Integer,
        stage -> Text,
        parameters -> Text,
        result -> Nullable<Text>,
        error -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        recipient_id -> Text,
        kind -> Text,
        payload -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    region_ndas (region_code, version) {
        region_code -> Text,
        version -> Integer,
        text_id -> Text,
        text_en -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    nda_acceptances (project_id, investor_id, version) {
        project_id -> Text,
        investor_id -> Text,
        region_code -> Text,
        version -> Integer,
        accepted_by -> Text,
        accepted_at -> Timestamp,
    }
}

diesel::table! {
    data_room_grants (project_id, investor_id) {
        project_id -> Text,
        investor_id -> Text,
        granted_by -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    deals (id) {
        id -> Text,
        investor_id -> Text,
        region_code -> Text,
        project_id -> Nullable<Text>,
        stage -> Text,
        closed_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    deal_steps (id) {
        id -> Text,
        deal_id -> Text,
        stage -> Text,
        source -> Text,
        actor_id -> Nullable<Text>,
        meeting_id -> Nullable<Text>,
        amount_minor -> Nullable<BigInt>,
        amount_currency -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(deal_steps -> deals (deal_id));
diesel::joinable!(deals -> investors (investor_id));
diesel::joinable!(deals -> projects (project_id));

diesel::table! {
    conversations (id) {
        id -> Text,
        investor_id -> Text,
        region_code -> Text,
        project_id -> Nullable<Text>,
        subject -> Text,
        started_by -> Text,
        created_at -> Timestamp,
        last_message_at -> Timestamp,
    }
}

diesel::table! {
    conversation_messages (id) {
        id -> Text,
        conversation_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    conversation_reads (conversation_id, user_id) {
        conversation_id -> Text,
        user_id -> Text,
        read_at -> Nullable<Timestamp>,
        emailed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(conversation_messages -> conversations (conversation_id));

diesel::table! {
    saved_searches (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        filters -> Text,
        alert -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    project_files (id) {
        id -> Text,
        project_id -> Text,
        kind -> Text,
        confidential -> Bool,
        title_id -> Text,
        title_en -> Text,
        file_name -> Text,
        media_type -> Text,
        size_bytes -> BigInt,
        object_key -> Text,
        thumbnail_key -> Nullable<Text>,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        uploaded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    file_downloads (id) {
        id -> Text,
        file_id -> Text,
        project_id -> Text,
        account_id -> Text,
        at -> Timestamp,
    }
}
diesel::joinable!(meetings -> events (event_id));
