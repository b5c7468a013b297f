//! Any bytes as a response body: the decoders of both operations (into the generated types, then
//! into the public models, and the error-path decoder that names where a body broke) and the
//! error-body reader must return, never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

use hwc_api::codearts_check::types::CheckRecordResponse;
use hwc_api::hss::types::ListGeneralImageVulOperationsResponse;

fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    match serde_json::from_slice::<T>(body) {
        Ok(value) => Some(value),
        Err(_) => {
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            let _ = serde_path_to_error::deserialize::<_, T>(&mut deserializer);
            None
        }
    }
}

fuzz_target!(|body: &[u8]| {
    if let Some(page) = decode::<ListGeneralImageVulOperationsResponse>(body) {
        // Every record the generated type accepts has a model.
        let records: Vec<hwc::hss::HandleRecord> = page
            .data_list
            .into_iter()
            .map(|record| record.try_into().expect("a generated record has a model"))
            .collect();
        // What the CLI prints of a record must also be producible.
        let _ = serde_json::to_vec(&records);
    }
    if let Some(page) = decode::<CheckRecordResponse>(body) {
        let records: Vec<hwc::codearts_check::CheckRecord> =
            page.data.into_iter().map(Into::into).collect();
        let _ = serde_json::to_vec(&records);
    }
    let error = hwc::ApiError::from_body("Fuzz", 500, body, None, None);
    let _ = error.to_string();
});
