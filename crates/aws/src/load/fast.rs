//! The loader's fast path: a file decoded straight from its bytes into the snapshot types.
//!
//! Nearly every file people save is plain AWS CLI output — lists under known keys, PascalCase
//! fields, IDs present. Such a file is decoded here in one pass, without first building a
//! `serde_json::Value` tree and decoding each element out of it again. Everything else takes the
//! exact path (`load.rs`), which alone words errors: the fast path gives up — it never reports —
//! on any JSON or type error, a key it does not handle (raw single-object outputs, `VpcAttributes`,
//! `Incomplete`, a key written in the wrong case), a repeated key, an empty ID, and on any field
//! name that starts with a lower-case letter anywhere in the file (camelCase output the exact path
//! rejects). So both paths accept exactly the same files with the same result, and only the exact
//! path words errors; `tests` below and the loader's tests check the agreement.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::KNOWN_KEYS;
use crate::snapshot as s;

macro_rules! typed_lists {
    ($( $key:literal => $field:ident : $ty:ty ),* $(,)?) => {
        /// The lists of one file, by key.
        #[derive(Default)]
        pub(super) struct Lists {
            $( pub(super) $field: Option<Vec<$ty>>, )*
        }

        impl Lists {
            /// Decode the value of `key` if this is one of the lists handled here.
            fn take<'de, A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                match key {
                    $( $key => {
                        self.$field = Some(map.next_value()?);
                        Ok(true)
                    } )*
                    _ => Ok(false),
                }
            }

            /// Whether every resource has a non-empty ID (the exact path words the error).
            pub(super) fn ids_present(&self) -> bool {
                true $( && self.$field.iter().flatten().all(|r| !super::Resource::id(r).is_empty()) )*
            }
        }
    };
}

typed_lists! {
    "Vpcs" => vpcs: s::Vpc,
    "Subnets" => subnets: s::Subnet,
    "RouteTables" => route_tables: s::RouteTable,
    "InternetGateways" => internet_gateways: s::InternetGateway,
    "EgressOnlyInternetGateways" => egress_only_internet_gateways: s::EgressOnlyInternetGateway,
    "NatGateways" => nat_gateways: s::NatGateway,
    "VpcEndpoints" => vpc_endpoints: s::VpcEndpoint,
    "SecurityGroups" => security_groups: s::SecurityGroup,
    "NetworkAcls" => network_acls: s::NetworkAcl,
    "PrefixLists" => prefix_lists: s::PrefixList,
    "DhcpOptions" => dhcp_options: s::DhcpOptions,
    "NetworkInterfaces" => network_interfaces: s::NetworkInterface,
    "VpcPeeringConnections" => vpc_peering_connections: s::VpcPeeringConnection,
    "TransitGateways" => transit_gateways: s::TransitGateway,
    "NotebookInstances" => notebook_instances: s::NotebookInstance,
}

/// One file on the fast path.
#[derive(Default)]
pub(super) struct Typed {
    /// Every top-level key, as in the file.
    pub(super) keys: Vec<String>,
    pub(super) region: Option<Value>,
    pub(super) lists: Lists,
}

/// The fast path's reading of `bytes`, or `None`: take the exact path.
pub(super) fn read(bytes: &[u8]) -> Option<Typed> {
    if has_lower_case_field(bytes) {
        return None;
    }
    let t: Typed = serde_json::from_slice(bytes).ok()?;
    t.lists.ids_present().then_some(t)
}

struct TypedVisitor;

impl<'de> Visitor<'de> for TypedVisitor {
    type Value = Typed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Typed, A::Error> {
        let mut t = Typed::default();
        while let Some(key) = map.next_key::<String>()? {
            if t.keys.contains(&key) {
                return Err(de::Error::custom("a repeated key"));
            }
            if key == "Region" {
                t.region = Some(map.next_value()?);
            } else if !t.lists.take(&key, &mut map)? {
                let ours = KNOWN_KEYS
                    .iter()
                    .chain(&[
                        "Region",
                        "NotebookInstanceArn",
                        "VpcId",
                        "Entries",
                        "DomainArn",
                        "UserProfileArn",
                        "SpaceArn",
                    ])
                    .any(|k| k.eq_ignore_ascii_case(&key));
                if ours {
                    // A key the exact path handles (or words an error about).
                    return Err(de::Error::custom("not on the fast path"));
                }
                map.next_value::<IgnoredAny>()?;
            }
            t.keys.push(key);
        }
        Ok(t)
    }
}

impl<'de> Deserialize<'de> for Typed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Typed, D::Error> {
        d.deserialize_map(TypedVisitor)
    }
}

/// Whether some object key in the JSON text starts with a lower-case ASCII letter. Strings are
/// skipped with their escapes; a string followed (after white space) by `:` is a key.
fn has_lower_case_field(b: &[u8]) -> bool {
    let n = b.len();
    let mut i = 0;
    while i < n {
        if b[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < n && b[j] != b'"' {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        let mut k = j + 1;
        while k < n && matches!(b[k], b' ' | b'\n' | b'\r' | b'\t') {
            k += 1;
        }
        if k < n && b[k] == b':' && start < n && b[start].is_ascii_lowercase() {
            return true;
        }
        i = j + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_keys_are_found_and_values_are_not_keys() {
        assert!(has_lower_case_field(br#"{"Vpcs": [{"vpcId": "vpc-1"}]}"#));
        assert!(has_lower_case_field(br#"{"A": {"b"  :1}}"#));
        assert!(!has_lower_case_field(
            br#"{"State": "available", "X": ["a:b"]}"#
        ));
        // A quote inside a string does not end it.
        assert!(!has_lower_case_field(br#"{"P": "{\"x\": 1}", "Q": "y"}"#));
        assert!(!has_lower_case_field(br#"{"P": "\\", "Q": "z"}"#));
    }

    #[test]
    fn special_and_case_mistaken_keys_leave_the_fast_path() {
        for text in [
            r#"{"NotebookInstanceArn": "arn", "NotebookInstanceName": "n"}"#,
            r#"{"VpcId": "vpc-1", "EnableDnsSupport": {"Value": true}}"#,
            r#"{"Entries": []}"#,
            r#"{"DomainId": "d-1", "UserProfileArn": "arn:p", "UserProfileName": "alice"}"#,
            r#"{"DomainId": "d-1", "SpaceArn": "arn:s", "SpaceName": "team"}"#,
            r#"{"Domains": []}"#,
            r#"{"Reservations": []}"#,
            r#"{"VPCs": []}"#,
            r#"{"VpcAttributes": []}"#,
            r#"{"Vpcs": [], "Vpcs": []}"#,
            r#"{"Vpcs": [{"VpcId": ""}]}"#,
            r#"{"Vpcs": {}}"#,
            r#"[]"#,
        ] {
            assert!(read(text.as_bytes()).is_none(), "{text}");
        }
        let t = read(br#"{"Vpcs": [{"VpcId": "vpc-1"}], "NextToken": "x", "Region": "eu-west-1"}"#)
            .expect("plain output is on the fast path");
        assert_eq!(t.lists.vpcs.as_ref().map(Vec::len), Some(1));
        assert_eq!(t.region, Some(Value::String("eu-west-1".into())));
        assert_eq!(t.keys, ["Vpcs", "NextToken", "Region"]);
    }
}
