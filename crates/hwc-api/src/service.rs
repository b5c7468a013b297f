//! What every [`Service`] can say of itself, read from its spec's descriptor: the variants
//! themselves are generated, one per spec file.

use std::fmt;
use std::str::FromStr;

use crate::Service;

impl Service {
    /// A name for people: `HSS`, `CodeArts Check`.
    pub fn display_name(self) -> &'static str {
        self.descriptor().display_name
    }

    /// The regions the spec lists for the service, in its order, without repeats.
    pub fn regions(self) -> Vec<&'static str> {
        let mut regions: Vec<&'static str> = Vec::new();
        for endpoint in self.descriptor().endpoints {
            if !regions.contains(&endpoint.region) {
                regions.push(endpoint.region);
            }
        }
        regions
    }

    /// The service an operation belongs to.
    pub fn of_operation(operation_id: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|service| {
            service
                .descriptor()
                .operations
                .iter()
                .any(|operation| operation.id == operation_id)
        })
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// Reads a service by its command-line name (`hss`, `codearts-check`), its module name
/// (`codearts_check`) or its SDK names (`CODEARTSCHECK`, legacy `CODECHECK`), any case.
impl FromStr for Service {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim();
        Service::ALL
            .into_iter()
            .find(|service| {
                let spec = service.descriptor();
                std::iter::once(spec.cli)
                    .chain([spec.module, spec.sdk_name])
                    .chain(spec.legacy_sdk_names.iter().copied())
                    .any(|name| name.eq_ignore_ascii_case(wanted))
            })
            .ok_or_else(|| {
                let known: Vec<&str> = Service::ALL.iter().map(|s| s.descriptor().cli).collect();
                format!("unknown service {wanted:?}: use {}", known.join(" or "))
            })
    }
}
