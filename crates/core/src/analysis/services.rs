//! The service names a check can be asked for: validated and case-folded before any analysis, so
//! that a typo (`--require s4`, `--require sagemaker-api`) is an error rather than a check of a
//! service nobody runs, and a full name of another region is never matched against this one.
//!
//! Short names are the last part of `com.amazonaws.<region>.<name>`; the list below holds the AWS
//! services whose VPC endpoints a notebook plausibly needs (AWS PrivateLink's service list). A
//! service missing from it can still be asked for by its full name.

use crate::regions::is_region_name;

/// Short names of AWS services with VPC endpoints (`com.amazonaws.<region>.<name>`).
pub const KNOWN: &[&str] = &[
    "access-analyzer",
    "acm-pca",
    "airflow.api",
    "airflow.env",
    "airflow.ops",
    "apigateway",
    "appconfig",
    "appconfigdata",
    "application-autoscaling",
    "appmesh-envoy-management",
    "apprunner",
    "appstream.api",
    "appstream.streaming",
    "aps",
    "aps-workspaces",
    "athena",
    "autoscaling",
    "backup",
    "batch",
    "bedrock",
    "bedrock-agent",
    "bedrock-agent-runtime",
    "bedrock-runtime",
    "cassandra",
    "cloudcontrolapi",
    "cloudformation",
    "cloudhsmv2",
    "cloudtrail",
    "codeartifact.api",
    "codeartifact.repositories",
    "codebuild",
    "codecommit",
    "codeconnections.api",
    "codedeploy",
    "codedeploy-commands-secure",
    "codeguru-profiler",
    "codeguru-reviewer",
    "codepipeline",
    "codestar-connections.api",
    "codewhisperer",
    "cognito-identity",
    "cognito-idp",
    "comprehend",
    "comprehendmedical",
    "config",
    "console",
    "databrew",
    "dataexchange",
    "datasync",
    "dms",
    "ds",
    "dynamodb",
    "ebs",
    "ec2",
    "ec2messages",
    "ecr.api",
    "ecr.dkr",
    "ecs",
    "ecs-agent",
    "ecs-telemetry",
    "eks",
    "eks-auth",
    "elasticache",
    "elasticbeanstalk",
    "elasticbeanstalk-health",
    "elasticfilesystem",
    "elasticloadbalancing",
    "elasticmapreduce",
    "email-smtp",
    "emr-containers",
    "emr-serverless",
    "es",
    "events",
    "execute-api",
    "firehose",
    "fis",
    "forecast",
    "forecastquery",
    "frauddetector",
    "fsx",
    "git-codecommit",
    "glue",
    "grafana",
    "greengrass",
    "guardduty-data",
    "healthlake",
    "iam",
    "identitystore",
    "imagebuilder",
    "inspector2",
    "iot.credentials",
    "iot.data",
    "iotsitewise.api",
    "iotsitewise.data",
    "kafka",
    "kendra",
    "kinesis-firehose",
    "kinesis-streams",
    "kms",
    "kms-fips",
    "lakeformation",
    "lambda",
    "license-manager",
    "logs",
    "macie2",
    "memory-db",
    "monitoring",
    "mq",
    "network-firewall",
    "omics",
    "organizations",
    "personalize",
    "personalize-runtime",
    "pipes",
    "polly",
    "qldb.session",
    "rds",
    "rds-data",
    "redshift",
    "redshift-data",
    "redshift-serverless",
    "rekognition",
    "resource-groups",
    "rolesanywhere",
    "s3",
    "s3-outposts",
    "s3express",
    "sagemaker.api",
    "sagemaker.featurestore-runtime",
    "sagemaker.metrics",
    "sagemaker.runtime",
    "sagemaker.runtime-fips",
    "scheduler",
    "secretsmanager",
    "securityhub",
    "servicecatalog",
    "servicediscovery",
    "signin",
    "sns",
    "sqs",
    "ssm",
    "ssm-contacts",
    "ssm-incidents",
    "ssmmessages",
    "states",
    "storagegateway",
    "sts",
    "swf",
    "synthetics",
    "textract",
    "transcribe",
    "transcribestreaming",
    "transfer",
    "transfer.server",
    "translate",
    "verifiedpermissions",
    "workspaces",
    "xray",
];

/// Why a service name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceNameError {
    #[error(
        "\"{0}\" is not a service name (expected e.g. s3, sagemaker.api, com.amazonaws.us-east-1.sts)"
    )]
    Malformed(String),
    #[error("`internet` is always checked; name AWS services such as s3,sts")]
    Internet,
    #[error(
        "unknown service \"{name}\"{suggestion}; a service not in vpcreach's list can be given by its full name (com.amazonaws.<region>.{name})"
    )]
    Unknown { name: String, suggestion: String },
    #[error(
        "\"{name}\" names region {named}, but the snapshot is of region {region}; give the short name ({short}) or a name of {region}"
    )]
    OtherRegion {
        name: String,
        named: String,
        region: String,
        short: String,
    },
}

/// The region a full service name names (`com.amazonaws.us-east-1.sts`,
/// `com.amazonaws.vpce.eu-west-1.vpce-svc-…`, `aws.sagemaker.us-east-1.notebook`), if it is one.
pub fn full_name_region(name: &str) -> Option<&str> {
    if !(name.starts_with("com.amazonaws.") || name.starts_with("aws.")) {
        return None;
    }
    name.split('.').find(|p| is_region_name(p))
}

/// Levenshtein distance (small strings only).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Up to three known names close to `name`.
pub fn close_matches(name: &str, known: &[&str]) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = known
        .iter()
        .map(|k| {
            let d = distance(name, k);
            let related = k.contains(name) || name.contains(k);
            (if related { d.min(1) } else { d }, *k)
        })
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, k)| k.to_string())
        .collect()
}

/// "; did you mean s3 or sts?" or nothing.
pub fn suggestion(matches: &[String]) -> String {
    match matches {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        [init @ .., last] => format!("; did you mean {} or {last}?", init.join(", ")),
    }
}

/// The services SageMaker Studio's VPC-only mode needs beyond a notebook's defaults. AWS's "Connect
/// Amazon SageMaker Studio in a VPC to External Resources" (Requirements to use VPC only mode)
/// lists interface endpoints for the SageMaker API, the SageMaker runtime, Amazon S3, SageMaker
/// Projects (`com.amazonaws.<region>.servicecatalog`) and SageMaker Studio
/// (`aws.sagemaker.<region>.studio`), plus STS and CloudWatch Logs for the SageMaker Python SDK —
/// the notebook defaults cover all but Service Catalog and Studio.
pub const STUDIO_EXTRA: &[&str] = &["servicecatalog"];

/// The services to check for a source of `kind`: `services` as given; for a Studio source, when
/// `services` holds every default (the default list, or it plus `+name`s), Studio's extra
/// services too ([`STUDIO_EXTRA`] and, when the region is known, `aws.sagemaker.<region>.studio`).
/// A whole list given instead of the defaults is checked as given for every source.
pub fn for_source(
    kind: crate::model::SourceKind,
    services: &[String],
    region: Option<&str>,
) -> Vec<String> {
    let mut out = services.to_vec();
    let defaults = super::DEFAULT_SERVICES
        .iter()
        .all(|d| services.iter().any(|s| s == d));
    if kind.is_studio() && defaults {
        let studio = region.map(|r| format!("aws.sagemaker.{r}.studio"));
        for s in STUDIO_EXTRA.iter().map(|s| s.to_string()).chain(studio) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// The canonical form of a service name given by a user: lower case, known if short, of the
/// snapshot's `region` if full (`region` None: any region).
pub fn canonical(name: &str, region: Option<&str>) -> Result<String, ServiceNameError> {
    let n = name.trim().to_ascii_lowercase();
    if n == "internet" {
        return Err(ServiceNameError::Internet);
    }
    if n.is_empty()
        || !n
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(ServiceNameError::Malformed(name.to_string()));
    }
    if n.starts_with("com.amazonaws.") || n.starts_with("aws.") {
        let Some(named) = full_name_region(&n) else {
            return Err(ServiceNameError::Malformed(name.to_string()));
        };
        if let Some(r) = region
            && named != r
        {
            return Err(ServiceNameError::OtherRegion {
                short: n.rsplit('.').next().unwrap_or_default().to_string(),
                name: name.to_string(),
                named: named.to_string(),
                region: r.to_string(),
            });
        }
        return Ok(n);
    }
    if KNOWN.contains(&n.as_str()) {
        return Ok(n);
    }
    Err(ServiceNameError::Unknown {
        suggestion: suggestion(&close_matches(&n, KNOWN)),
        name: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_folded_and_validated() {
        assert_eq!(canonical("S3", None).unwrap(), "s3");
        assert_eq!(
            canonical("SageMaker.API", Some("us-east-1")).unwrap(),
            "sagemaker.api"
        );
        assert_eq!(
            canonical("com.amazonaws.us-east-1.STS", Some("us-east-1")).unwrap(),
            "com.amazonaws.us-east-1.sts"
        );
        let e = canonical("s4", None).unwrap_err().to_string();
        assert!(e.contains("did you mean") && e.contains("s3"), "{e}");
        let e = canonical("sagemaker-api", None).unwrap_err().to_string();
        assert!(e.contains("sagemaker.api"), "{e}");
        let e = canonical("com.amazonaws.eu-west-1.sts", Some("us-east-1"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("eu-west-1") && e.contains("us-east-1"), "{e}");
        assert!(matches!(
            canonical("internet", None),
            Err(ServiceNameError::Internet)
        ));
        assert!(canonical("s3;rm", None).is_err());
        assert_eq!(
            canonical("aws.sagemaker.us-east-1.notebook", Some("us-east-1")).unwrap(),
            "aws.sagemaker.us-east-1.notebook"
        );
    }
}
