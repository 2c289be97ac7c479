DROP TABLE deal_steps;
DROP TABLE deals;
DROP TABLE data_room_grants;
DROP TABLE nda_acceptances;
DROP TABLE region_ndas;
