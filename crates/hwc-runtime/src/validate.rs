//! Checking parameters against the spec before anything is sent: `hwc_api::validate`, beside the
//! descriptors it reads, which the simulator checks what it receives with too. Its
//! [`InvalidParameter`] becomes [`crate::Error::InvalidInput`].

pub use hwc_api::validate::{
    InvalidParameter, check, check_received, check_value, check_wire, describe, format_time,
    integer_bounds, is_path_segment, list_text, list_values, parse_time,
};

impl From<InvalidParameter> for crate::Error {
    fn from(invalid: InvalidParameter) -> Self {
        crate::Error::InvalidInput {
            parameter: invalid.parameter,
            value: invalid.value,
            allowed: invalid.allowed,
        }
    }
}
