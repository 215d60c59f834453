-- Views per URL per one-minute event-time window (seed section 7), as Parquet under
-- ${output.path}/sql/pageviews_1m/dt=YYYY-MM-DD/hour=HH/.
--
-- Reads the table `clicks` (valid, deduplicated events; `ts` is the event-time attribute with the job's
-- watermarks). A window is written once, when the watermark passes its end; events later than that are
-- dropped here (the DataStream job counts them and revises its result within analytics.allowed-lateness).

CREATE TABLE pageviews_1m_sql (
  window_start TIMESTAMP(3),
  window_end   TIMESTAMP(3),
  url          STRING,
  `views`      BIGINT,
  dt           STRING,
  `hour`       STRING
) PARTITIONED BY (dt, `hour`) WITH (
  'connector' = 'filesystem',
  'path' = '${output.path}/sql/pageviews_1m',
  'format' = 'parquet',
  'parquet.utc-timezone' = 'true',
  'parquet.compression' = 'SNAPPY'
);

INSERT INTO pageviews_1m_sql
SELECT window_start, window_end, url, COUNT(*) AS `views`,
       DATE_FORMAT(window_start, 'yyyy-MM-dd'), DATE_FORMAT(window_start, 'HH')
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
WHERE event_type = 'view'
GROUP BY window_start, window_end, url;
