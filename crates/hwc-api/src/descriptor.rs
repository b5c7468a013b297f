//! What a spec says about a service and its operations, as plain data.
//!
//! `cargo xtask gen` writes one [`Service`] per spec into the generated module (for example
//! `hwc_api::hss::spec::SERVICE`), so that validation, paging and region tables elsewhere read the
//! spec instead of repeating it. These are only the shapes of that data; nothing here decides.

/// A service as its spec describes it.
#[derive(Debug)]
pub struct Service {
    /// Rust module of the generated client, such as `hss`.
    pub module: &'static str,
    /// The service's name for people (`HSS`, `CodeArts Check`), from `x-hwc-facade.name`.
    pub display_name: &'static str,
    /// Name the official SDKs use in region overrides (`HUAWEICLOUD_SDK_REGION_<NAME>_<REGION>`).
    pub sdk_name: &'static str,
    /// Older names of the service still honoured in overrides, from `x-hwc-sdk-service-legacy`
    /// (users keep the variables a retired SDK package read).
    pub legacy_sdk_names: &'static [&'static str],
    /// API version, from the spec's `info.version`.
    pub version: &'static str,
    /// Every regional endpoint of the spec's `servers`, in spec order; a region may appear twice
    /// (an alternative domain), the first entry being the primary one.
    pub endpoints: &'static [Endpoint],
    /// The operations of the service.
    pub operations: &'static [&'static Operation],
    /// The command grouping the service's operations on the command line (`hss`), from
    /// `x-hwc-facade.cli`.
    pub cli: &'static str,
    /// One line saying what the service is for people (`x-hwc-facade.doc`).
    pub doc: &'static str,
}

/// One regional base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Region id, such as `cn-north-4`.
    pub region: &'static str,
    /// Base URL, such as `https://hss.cn-north-4.myhuaweicloud.com`.
    pub url: &'static str,
}

/// One operation: its route, its parameters and, when it pages, how.
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`, as in the official SDKs (`CheckRecord`).
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template with `{name}` placeholders.
    pub path: &'static str,
    /// Path and query parameters, in spec order.
    pub parameters: &'static [Parameter],
    /// Offset paging, from the operation's `x-hwc-paging` extension.
    pub paging: Option<Paging>,
    /// The call needs the client's IAM project although its path has none: it goes in the
    /// signed `X-Project-Id` header (`x-hwc-iam-project: header`), so the client resolves it
    /// before sending.
    pub iam_project_header: bool,
    /// The fields of the 200 answer's body, in spec order: the columns of an operation that
    /// answers one object rather than pages of items.
    pub answer_fields: &'static [&'static str],
    /// What the operation gives, for people (`x-hwc-facade.doc`, or the spec's `summary`).
    pub doc: &'static str,
    /// The operation's command on the command line (`vul-history`), from `x-hwc-facade.cli`.
    pub cli: &'static str,
    /// The spec's example of a successful answer, as compact JSON: what a simulator answers
    /// until someone writes data for the operation.
    pub example: Option<&'static str>,
}

impl Operation {
    /// The parameter called `name`, if the operation has one.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters
            .iter()
            .find(|parameter| parameter.name == name)
    }
}

/// One path or query parameter and its documented constraints.
#[derive(Debug)]
pub struct Parameter {
    /// Name on the wire.
    pub name: &'static str,
    /// Where the value goes.
    pub location: Location,
    /// Whether a call must give it.
    pub required: bool,
    /// What values it accepts.
    pub schema: ParameterSchema,
    /// What the parameter does, in one or two sentences for a setter's documentation and a
    /// command-line flag's help (`x-hwc-help`, or the first sentence of the description).
    pub help: &'static str,
    /// The flag's name on the command line, without dashes (`x-hwc-cli-flag`, or the name in
    /// kebab case).
    pub cli_flag: &'static str,
    /// Where the value comes from when callers do not give it (`x-hwc-from-client`).
    pub from_client: Option<ClientValue>,
}

/// A parameter the client fills from its own configuration, so that callers never pass it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientValue {
    /// The IAM project id the client was built with (`x-hwc-from-client: iam-project`).
    IamProject,
}

/// Where a parameter's value goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` segment of the path.
    Path,
    /// A `name=value` pair of the query string.
    Query,
}

/// The accepted values of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterSchema {
    /// Free text, with lengths counted in characters.
    Text {
        /// Fewest characters allowed.
        min_length: Option<u64>,
        /// Most characters allowed.
        max_length: Option<u64>,
        /// An ECMA-262 regular expression the whole value must match (OpenAPI's `pattern`;
        /// anchor it with `^` and `$`).
        pattern: Option<&'static str>,
        /// Value the server assumes when the parameter is absent.
        default: Option<&'static str>,
        /// A UTC time in this `strftime` form, from `x-hwc-time-format` (such as
        /// `%Y-%m-%dT%H:%M:%SZ`): what clients send and servers read.
        time_format: Option<&'static str>,
    },
    /// One of a closed list of values.
    Choice {
        /// The allowed values, in spec order.
        values: &'static [&'static str],
        /// Other spellings of some values (`x-hwc-spellings`), as (value, other spelling):
        /// taken from users as the value, and sent once instead of it when the service answers
        /// 400 naming the parameter, where the documentation disagrees on the spelling.
        spellings: &'static [(&'static str, &'static str)],
    },
    /// A list of values, sent as the parameter repeated (`name=a&name=b`: `style: form`,
    /// `explode: true`). Builders and tools hold a list as one text, a JSON array of the
    /// values' texts ([`crate::validate::list_text`]).
    List {
        /// What each value accepts.
        items: &'static ParameterSchema,
        /// Fewest values.
        min_items: Option<u64>,
        /// Most values.
        max_items: Option<u64>,
    },
    /// A whole number.
    Integer {
        /// Width of the spec's `format`: 32 for `int32`, 64 for `int64` or no format.
        bits: u32,
        /// Smallest value allowed.
        minimum: Option<i64>,
        /// Largest value allowed.
        maximum: Option<i64>,
        /// Value the server assumes when the parameter is absent.
        default: Option<i64>,
    },
}

impl ParameterSchema {
    /// The listed value `text` is another spelling of, if it is one (`x-hwc-spellings`).
    pub fn spelled_value(&self, text: &str) -> Option<&'static str> {
        match self {
            ParameterSchema::Choice { spellings, .. } => spellings
                .iter()
                .find(|(_, other)| *other == text)
                .map(|(value, _)| *value),
            _ => None,
        }
    }

    /// The other spelling of the listed value `value`, if it has one.
    pub fn other_spelling(&self, value: &str) -> Option<&'static str> {
        match self {
            ParameterSchema::Choice { spellings, .. } => spellings
                .iter()
                .find(|(listed, _)| *listed == value)
                .map(|(_, other)| *other),
            _ => None,
        }
    }
}

/// How an operation pages: the parameters that move through the result, what the offset counts,
/// and the response fields that carry the total and the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Query parameter saying where the page starts.
    pub offset_parameter: &'static str,
    /// What the offset parameter counts.
    pub offset_unit: OffsetUnit,
    /// Query parameter giving the page size.
    pub limit_parameter: &'static str,
    /// The page size to ask for when the caller gives none, from `x-hwc-paging.page-size`: for
    /// an operation whose documentation gives its limit no maximum (else the maximum is asked
    /// for).
    pub page_size: Option<u64>,
    /// Response field with the number of items in the whole result.
    pub total_field: &'static str,
    /// Response field with the items of the page.
    pub items_field: &'static str,
    /// The fields of one item, in spec order: the columns of a generic table.
    pub item_fields: &'static [&'static str],
    /// The item field that tells items apart, where pages may repeat an item
    /// (`x-hwc-paging.unique-by`): a paginator yields each value once.
    pub unique_by: Option<&'static str>,
}

/// What an operation's offset parameter counts, from `x-hwc-paging.offset-unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetUnit {
    /// The index of the first record of the page (0 for the first record).
    Record,
    /// A page number. Where the documentation does not say whether the first page is 0 or 1
    /// (or the service really takes records), clients find out from the answers.
    Page,
}
