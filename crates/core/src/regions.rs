//! AWS region names, shared by every stage: the loader takes folders named after a region as
//! that region's files, and service-name validation finds the region a full service name names.

/// Is `name` an AWS region name (`us-east-1`, `us-gov-west-1`, `ap-southeast-3`)? Deliberately
/// strict, so that an ordinary folder name (`my-snap-1`) is never taken for a region.
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let (area, rest) = match parts.as_slice() {
        [a, b, rest @ ..] if matches!(*b, "gov" | "iso" | "isob" | "isoe" | "isof") => {
            (format!("{a}-{b}"), rest)
        }
        [a, rest @ ..] => (a.to_string(), rest),
        [] => return false,
    };
    let area_ok = matches!(
        area.as_str(),
        "us" | "eu"
            | "ap"
            | "sa"
            | "ca"
            | "me"
            | "af"
            | "il"
            | "mx"
            | "cn"
            | "us-gov"
            | "us-iso"
            | "us-isob"
            | "eu-isoe"
            | "us-isof"
    );
    let [direction, number] = rest else {
        return false;
    };
    area_ok
        && matches!(
            *direction,
            "east"
                | "west"
                | "north"
                | "south"
                | "central"
                | "northeast"
                | "southeast"
                | "northwest"
                | "southwest"
        )
        && !number.is_empty()
        && number.len() <= 2
        && number.chars().all(|c| c.is_ascii_digit())
}
