-- A user's purchases over a five-minute window sliding by one minute (HOP); a total above
-- analytics.high-spend-threshold is written, as the DataStream job raises HIGH_SPEND_5M.
-- Spend is summed in whole cents, as in the DataStream job, so both give the same totals.
-- Parquet under ${output.path}/sql/high_spend_5m/dt=YYYY-MM-DD/hour=HH/.

CREATE TABLE high_spend_5m_sql (
  user_id      STRING,
  window_start TIMESTAMP(3),
  window_end   TIMESTAMP(3),
  purchases    BIGINT,
  total_spend  DOUBLE,
  threshold    DOUBLE,
  dt           STRING,
  `hour`       STRING
) PARTITIONED BY (dt, `hour`) WITH (
  'connector' = 'filesystem',
  'path' = '${output.path}/sql/high_spend_5m',
  'format' = 'parquet',
  'parquet.utc-timezone' = 'true',
  'parquet.compression' = 'SNAPPY'
);

INSERT INTO high_spend_5m_sql
SELECT user_id, window_start, window_end, purchases, total_cents / 100.0, CAST(${analytics.high-spend-threshold} AS DOUBLE),
       DATE_FORMAT(window_end, 'yyyy-MM-dd'), DATE_FORMAT(window_end, 'HH')
FROM (
  SELECT user_id, window_start, window_end, COUNT(*) AS purchases,
         SUM(CAST(ROUND(spend * 100, 0) AS BIGINT)) AS total_cents
  FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))
  WHERE event_type = 'purchase'
  GROUP BY user_id, window_start, window_end
)
WHERE total_cents > CAST(${analytics.high-spend-threshold} AS DOUBLE) * 100;
