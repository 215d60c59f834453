-- Pure SQL, without the application's validation: views per URL per minute straight from a JSON-lines file
-- (${source.file.path}). Run with sql.clicks=none:
--   ./clickstream sql sql/raw/file_pageviews_1m.sql --input events.jsonl --set sql.clicks=none
--
-- The limit (docs/sql.md): nothing here dead-letters a bad record. A line that is not JSON is skipped
-- silently ('json.ignore-parse-errors'); a record without a time would stop the job, so its time becomes 0
-- and it is dropped as late; and a record that parses but is invalid (unknown type, negative spend, a
-- timestamp far ahead) still moves the watermark, so valid views behind it are dropped as late. Duplicates
-- are counted twice. The scripts in sql/ on the table `clicks` have none of these problems.

CREATE TABLE raw_clicks (
  eventId STRING,
  userId  STRING,
  `type`  STRING,
  url     STRING,
  ts      BIGINT,
  event_time AS TO_TIMESTAMP_LTZ(COALESCE(ts, 0), 3),
  WATERMARK FOR event_time AS event_time - INTERVAL '10' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '${source.file.path}',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true',
  'json.fail-on-missing-field' = 'false'
);

CREATE TABLE raw_pageviews_1m (
  window_start TIMESTAMP(3),
  window_end   TIMESTAMP(3),
  url          STRING,
  `views`      BIGINT,
  dt           STRING
) PARTITIONED BY (dt) WITH (
  'connector' = 'filesystem',
  'path' = '${output.path}/sql/raw_pageviews_1m',
  'format' = 'parquet',
  'parquet.utc-timezone' = 'true'
);

INSERT INTO raw_pageviews_1m
SELECT window_start, window_end, url, COUNT(*), DATE_FORMAT(window_start, 'yyyy-MM-dd')
FROM TABLE(TUMBLE(TABLE raw_clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
WHERE `type` = 'view'
GROUP BY window_start, window_end, url;
