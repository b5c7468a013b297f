//! Reading an answer's body under a size limit, so a broken or hostile server cannot exhaust
//! memory: every body read from the network goes through here or through the transport's own
//! reader.

/// Why a body was not read.
#[derive(Debug)]
#[non_exhaustive]
pub enum BodyError {
    /// It is over the limit (announced or as it arrived).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Reading it failed.
    Read(reqwest::Error),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLarge { limit } => write!(f, "the answer is over {} KiB", limit / 1024),
            BodyError::Read(error) => write!(f, "{error}"),
        }
    }
}

/// The whole body of `answer`, or why not: at most `limit` bytes.
pub async fn read_limited(
    mut answer: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    if answer
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(BodyError::TooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = answer.chunk().await.map_err(BodyError::Read)? {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
