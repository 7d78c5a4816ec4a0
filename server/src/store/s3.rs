//! The S3 blob store (rust-s3). Written in a later step.
