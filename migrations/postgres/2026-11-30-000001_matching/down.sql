DROP TABLE match_state;
DROP TABLE match_feedback;
