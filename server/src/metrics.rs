//! Prometheus metrics, served at `/metrics`.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    pub upload_bytes: IntCounter,
    pub uploads_in_flight: IntGauge,
    pub seals: IntCounterVec,
    pub webhook_deliveries: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("hecha".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["method", "route", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency")
                .buckets(vec![0.005, 0.02, 0.1, 0.5, 2.0, 10.0, 60.0]),
            &["method", "route"],
        )?;
        let upload_bytes = IntCounter::new("upload_bytes_total", "Evidence bytes received")?;
        let uploads_in_flight = IntGauge::new("uploads_in_flight", "Uploads being received now")?;
        let seals = IntCounterVec::new(
            Opts::new("seals_total", "Inspections sealed, by mode"),
            &["mode"],
        )?;
        let webhook_deliveries = IntCounterVec::new(
            Opts::new(
                "webhook_deliveries_total",
                "Webhook delivery attempts by outcome",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(upload_bytes.clone()))?;
        registry.register(Box::new(uploads_in_flight.clone()))?;
        registry.register(Box::new(seals.clone()))?;
        registry.register(Box::new(webhook_deliveries.clone()))?;
        Ok(Metrics {
            registry,
            http_requests,
            http_duration,
            upload_bytes,
            uploads_in_flight,
            seals,
            webhook_deliveries,
        })
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}
