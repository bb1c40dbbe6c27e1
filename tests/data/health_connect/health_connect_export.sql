-- A Health Connect export (health_connect_export.db), as SQL: the tables Nightbridge reads,
-- with the columns of Health Connect's own store (AOSP HealthFitness). Times are epoch ms (UTC),
-- zone offsets seconds east of UTC. Person in America/Los_Angeles; DST starts 2026-03-08 02:00.
CREATE TABLE application_info_table (row_id INTEGER PRIMARY KEY AUTOINCREMENT, package_name TEXT NOT NULL UNIQUE, app_name TEXT, app_icon BLOB, color INTEGER, record_types_used TEXT);
CREATE TABLE sleep_session_record_table (row_id INTEGER PRIMARY KEY AUTOINCREMENT, uuid BLOB NOT NULL UNIQUE, last_modified_time INTEGER NOT NULL, client_record_id TEXT, client_record_version TEXT, device_info_id INTEGER, app_info_id INTEGER, recording_method INTEGER, dedupe_hash BLOB UNIQUE, start_time INTEGER NOT NULL, start_zone_offset INTEGER, end_time INTEGER NOT NULL, end_zone_offset INTEGER, local_date INTEGER, notes TEXT, title TEXT);
CREATE TABLE sleep_stages_table (row_id INTEGER PRIMARY KEY AUTOINCREMENT, parent_key INTEGER NOT NULL, stage_start_time INTEGER NOT NULL, stage_end_time INTEGER NOT NULL, stage_type INTEGER NOT NULL, FOREIGN KEY (parent_key) REFERENCES sleep_session_record_table(row_id) ON DELETE CASCADE);
CREATE TABLE steps_record_table (row_id INTEGER PRIMARY KEY AUTOINCREMENT, uuid BLOB NOT NULL UNIQUE, app_info_id INTEGER, start_time INTEGER NOT NULL, start_zone_offset INTEGER, end_time INTEGER NOT NULL, end_zone_offset INTEGER, count INTEGER NOT NULL);
INSERT INTO application_info_table (row_id, package_name, app_name) VALUES (1, 'com.sec.android.app.shealth', 'Samsung Health');
INSERT INTO application_info_table (row_id, package_name, app_name) VALUES (2, 'com.urbandroid.sleep', 'Sleep as Android');
INSERT INTO steps_record_table (uuid, app_info_id, start_time, start_zone_offset, end_time, end_zone_offset, count) VALUES (X'01', 1, 1772812800000, -28800, 1772816400000, -28800, 8231);
INSERT INTO sleep_session_record_table (row_id, uuid, last_modified_time, app_info_id, recording_method, start_time, start_zone_offset, end_time, end_zone_offset, title) VALUES (1, X'0000000000000000000000000000a001', 1772895600000, 1, 2, 1772866800000, -28800, 1772895600000, -28800, NULL);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (1, 1772866800000, 1772868000000, 1);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (1, 1772868000000, 1772875200000, 4);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (1, 1772875200000, 1772878800000, 5);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (1, 1772878800000, 1772881200000, 6);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (1, 1772881200000, 1772881800000, 7);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (1, 1772881800000, 1772889000000, 4);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (1, 1772889000000, 1772893800000, 6);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (1, 1772893800000, 1772895600000, 1);
INSERT INTO sleep_session_record_table (row_id, uuid, last_modified_time, app_info_id, recording_method, start_time, start_zone_offset, end_time, end_zone_offset, title) VALUES (2, X'0000000000000000000000000000a002', 1772894700000, 2, 2, 1772868600000, -28800, 1772894700000, -28800, NULL);
INSERT INTO sleep_session_record_table (row_id, uuid, last_modified_time, app_info_id, recording_method, start_time, start_zone_offset, end_time, end_zone_offset, title) VALUES (3, X'0000000000000000000000000000a003', 1772978400000, 1, 2, 1772953200000, -28800, 1772978400000, -25200, NULL);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (3, 1772953200000, 1772955000000, 1);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (3, 1772955000000, 1772962200000, 4);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (3, 1772962200000, 1772965800000, 5);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (3, 1772965800000, 1772969400000, 6);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (3, 1772969400000, 1772977200000, 4);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (3, 1772977200000, 1772978400000, 1);
INSERT INTO sleep_session_record_table (row_id, uuid, last_modified_time, app_info_id, recording_method, start_time, start_zone_offset, end_time, end_zone_offset, title) VALUES (4, X'0000000000000000000000000000a004', 1773004200000, 1, 2, 1773000000000, -25200, 1773004200000, -25200, NULL);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (4, 1773000000000, 1773000300000, 1);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (4, 1773000300000, 1773003900000, 2);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (4, 1773003900000, 1773004200000, 1);
INSERT INTO sleep_session_record_table (row_id, uuid, last_modified_time, app_info_id, recording_method, start_time, start_zone_offset, end_time, end_zone_offset, title) VALUES (5, X'0000000000000000000000000000a005', 1773063900000, 1, 2, 1773036900000, -25200, 1773063900000, -25200, NULL);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (5, 1773036900000, 1773047700000, 4);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (5, 1773047700000, 1773050400000, 5);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (5, 1773050400000, 1773051300000, 3);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (5, 1773051300000, 1773063900000, 6);
INSERT INTO sleep_stages_table (parent_key, stage_start_time, stage_end_time, stage_type) VALUES (5, 1773063900000, 1773063900000, 0);
INSERT INTO sleep_session_record_table (row_id, uuid, last_modified_time, app_info_id, recording_method, start_time, start_zone_offset, end_time, end_zone_offset, title) VALUES (6, X'0000000000000000000000000000a006', 1773066600000, 1, 2, 1773059400000, -25200, 1773066600000, -25200, NULL);
