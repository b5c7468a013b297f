//! Every signing algorithm of the official SDKs (`huaweicloudsdkcore` 3.1.219,
//! `signer/signer.py`) as one type over the canonical request they all share:
//!
//! - [`choice`]: [`SigningAlgorithm`], which digest hashes the payload and the canonical
//!   request, what the string to sign holds, the `Authorization` form
//! - [`derivation`]: the private keys of the ECDSA and SM2 signers and the HKDF key of V11,
//!   exactly as the official signer derives them
//! - [`keys`]: [`SigningKey`], signing and verifying with them

pub mod choice;
pub mod derivation;
pub mod keys;

pub use choice::{Hash, SigningAlgorithm, v11_scope};
pub use keys::SigningKey;
