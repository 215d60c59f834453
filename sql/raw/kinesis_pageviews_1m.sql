-- Pure SQL on Kinesis, the seed's table (section 7): views per URL per minute from the JSON records of
-- ${kinesis.stream} in ${kinesis.region}, without the application's validation. Run with sql.clicks=none.
-- The same limits as sql/raw/file_pageviews_1m.sql apply (docs/sql.md): a bad record is skipped or moves the
-- watermark instead of being dead-lettered, and duplicates count twice.
--
-- Against a local stand-in, add to the WITH clause: 'aws.endpoint' = 'http://127.0.0.1:4568',
-- 'aws.credentials.provider' = 'BASIC', 'aws.credentials.basic.accesskeyid' = 'local',
-- 'aws.credentials.basic.secretkey' = 'local'.

CREATE TABLE kinesis_clicks (
  userId STRING,
  `type` STRING,
  url    STRING,
  ts     BIGINT,
  event_time AS TO_TIMESTAMP_LTZ(COALESCE(ts, 0), 3),
  WATERMARK FOR event_time AS event_time - INTERVAL '10' SECOND
) WITH (
  'connector' = 'kinesis',
  'stream' = '${kinesis.stream}',
  'aws.region' = '${kinesis.region}',
  'scan.stream.initpos' = '${kinesis.initial-position}',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true',
  'json.fail-on-missing-field' = 'false'
);

CREATE TABLE kinesis_pageviews_1m (
  window_start TIMESTAMP(3),
  window_end   TIMESTAMP(3),
  url          STRING,
  `views`      BIGINT,
  dt           STRING
) PARTITIONED BY (dt) WITH (
  'connector' = 'filesystem',
  'path' = '${output.path}/sql/kinesis_pageviews_1m',
  'format' = 'parquet',
  'parquet.utc-timezone' = 'true'
);

INSERT INTO kinesis_pageviews_1m
SELECT window_start, window_end, url, COUNT(*), DATE_FORMAT(window_start, 'yyyy-MM-dd')
FROM TABLE(TUMBLE(TABLE kinesis_clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
WHERE `type` = 'view'
GROUP BY window_start, window_end, url;
