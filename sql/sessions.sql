-- Sessions per user: a SESSION window closes after ten minutes without an event.
-- (The DataStream job's sessions also keep a purchase's session open longer,
-- analytics.session-gap-after-purchase; a SQL session window has one fixed gap.)
-- Parquet under ${output.path}/sql/sessions/dt=YYYY-MM-DD/hour=HH/.

CREATE TABLE sessions_sql (
  user_id      STRING,
  window_start TIMESTAMP(3),
  window_end   TIMESTAMP(3),
  events       BIGINT,
  `views`      BIGINT,
  purchases    BIGINT,
  spend        DOUBLE,
  dt           STRING,
  `hour`       STRING
) PARTITIONED BY (dt, `hour`) WITH (
  'connector' = 'filesystem',
  'path' = '${output.path}/sql/sessions',
  'format' = 'parquet',
  'parquet.utc-timezone' = 'true',
  'parquet.compression' = 'SNAPPY'
);

INSERT INTO sessions_sql
SELECT user_id, window_start, window_end, COUNT(*),
       COUNT(*) FILTER (WHERE event_type = 'view'),
       COUNT(*) FILTER (WHERE event_type = 'purchase'),
       COALESCE(SUM(spend), 0.0),
       DATE_FORMAT(window_start, 'yyyy-MM-dd'), DATE_FORMAT(window_start, 'HH')
FROM TABLE(SESSION(TABLE clicks PARTITION BY user_id, DESCRIPTOR(ts), INTERVAL '10' MINUTE))
GROUP BY user_id, window_start, window_end;
