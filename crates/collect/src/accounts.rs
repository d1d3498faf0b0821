//! Which accounts a scan enters, and how: the accounts of an AWS Organization
//! (`organizations:ListAccounts`, every page) or a list given with `--accounts`, each entered
//! through STS AssumeRole of `arn:PARTITION:iam::ACCOUNT:role/ROLE_NAME`, except the caller's
//! own account, which is read with the caller's credentials (there is no role to assume there:
//! `OrganizationAccountAccessRole` exists only in member accounts an organisation created).
//!
//! Only ACTIVE accounts are scanned. AWS: "Only accounts in the ACTIVE state can be accessed"
//! (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_account_state.html>);
//! a SUSPENDED, PENDING_CLOSURE or CLOSED account is listed as skipped, never judged.
//!
//! ListAccounts works only in the management account or a delegated administrator
//! (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html>); the
//! sharded form (`--accounts` without `--organization`) needs no Organizations permission at all.

use aws_config::SdkConfig;
use aws_sdk_organizations::types::{Account as OrgAccount, AccountState, AccountStatus};

/// The role assumed in each account when `--role-name` is not given: the one AWS Organizations
/// creates in every account it creates. It has AdministratorAccess; the README recommends a
/// read-only role (docs/iam-policy.json) deployed by a StackSet, passed with `--role-name`.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// Who the caller is: its account and the partition of its ARN (`aws`, `aws-us-gov`, `aws-cn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Caller {
    pub account: String,
    pub partition: String,
}

/// One account the organisation lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Listed {
    pub id: String,
    pub name: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`, … (the account's `State`, else its
    /// older `Status`).
    pub state: String,
}

impl Listed {
    pub fn active(&self) -> bool {
        self.state == "ACTIVE"
    }
}

/// An account that was not scanned because it is not ACTIVE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedAccount {
    pub id: String,
    pub name: Option<String>,
    pub state: String,
}

/// How one account is entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Entry {
    /// The caller's own account: its own credentials.
    Caller,
    /// STS AssumeRole of this role ARN.
    Role(String),
}

/// A 12-digit AWS account ID.
pub fn valid_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// An IAM role name, optionally with a path (`audit/VpcreachScan`): the characters IAM allows
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html>), at most 64 for
/// the name itself.
pub fn valid_role_name(name: &str) -> bool {
    let last = name.rsplit('/').next().unwrap_or("");
    !name.is_empty()
        && !name.starts_with('/')
        && !name.ends_with('/')
        && !name.contains("//")
        && last.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

/// The ARN of `role_name` in `account`.
pub fn role_arn(partition: &str, account: &str, role_name: &str) -> String {
    format!("arn:{partition}:iam::{account}:role/{role_name}")
}

/// How each account is entered: the caller's own account with the caller's credentials, every
/// other one through its role.
pub(super) fn entries(
    accounts: &[String],
    caller: &Caller,
    role_name: &str,
) -> Vec<(String, Entry)> {
    accounts
        .iter()
        .map(|a| {
            let how = if *a == caller.account {
                Entry::Caller
            } else {
                Entry::Role(role_arn(&caller.partition, a, role_name))
            };
            (a.clone(), how)
        })
        .collect()
}

/// The clients of the caller's own account that choose the accounts (every call here is one of
/// [`super::ORGANIZATION_OPERATIONS`]; a test checks the source).
pub(super) struct Chooser {
    pub sts: aws_sdk_sts::Client,
    pub org: aws_sdk_organizations::Client,
}

impl Chooser {
    pub fn new(base: &SdkConfig) -> Chooser {
        Chooser {
            sts: aws_sdk_sts::Client::new(base),
            org: aws_sdk_organizations::Client::new(base),
        }
    }

    /// `sts:GetCallerIdentity` (AWS: "No permissions are required to perform this operation",
    /// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>).
    pub async fn caller(&self) -> Result<Caller, String> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| super::region::describe(&e))?;
        let account = out.account.unwrap_or_default();
        let partition = out
            .arn
            .as_deref()
            .and_then(|a| a.split(':').nth(1))
            .filter(|p| !p.is_empty())
            .unwrap_or("aws")
            .to_string();
        if !valid_account_id(&account) {
            return Err(format!(
                "GetCallerIdentity returned no account ID (got {account:?})"
            ));
        }
        Ok(Caller { account, partition })
    }

    /// Every account of the organisation (`organizations:ListAccounts`, every page), sorted by
    /// ID.
    pub async fn organization(&self) -> Result<Vec<Listed>, String> {
        let pages = self
            .org
            .list_accounts()
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| super::region::describe(&e))?;
        let mut out: Vec<Listed> = pages
            .into_iter()
            .flat_map(|p| p.accounts.unwrap_or_default())
            .filter_map(listed)
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.dedup_by(|a, b| a.id == b.id);
        Ok(out)
    }
}

fn listed(a: OrgAccount) -> Option<Listed> {
    let id = a.id?;
    // `State` replaces `Status` (retired 2026-09-09); read either. Unknown: not ACTIVE.
    let state = match (&a.state, &a.status) {
        (Some(s), _) => match s {
            AccountState::Active => "ACTIVE".to_string(),
            other => other.as_str().to_string(),
        },
        (None, Some(s)) => match s {
            AccountStatus::Active => "ACTIVE".to_string(),
            other => other.as_str().to_string(),
        },
        (None, None) => "UNKNOWN".to_string(),
    };
    Some(Listed {
        id,
        name: a.name,
        state,
    })
}

/// Split the organisation's accounts into those to scan (ACTIVE, and among `only` when given)
/// and those skipped; an ID of `only` that the organisation does not list is an error.
pub(super) fn choose(
    listed: Vec<Listed>,
    only: &[String],
) -> Result<(Vec<String>, Vec<SkippedAccount>), String> {
    if let Some(missing) = only.iter().find(|o| !listed.iter().any(|l| l.id == **o)) {
        return Err(format!(
            "--accounts {missing}: not an account of the organisation (ListAccounts lists {})",
            listed
                .iter()
                .map(|l| l.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut scan = Vec::new();
    let mut skipped = Vec::new();
    for l in listed {
        if !only.is_empty() && !only.contains(&l.id) {
            continue;
        }
        if l.active() {
            scan.push(l.id);
        } else {
            skipped.push(SkippedAccount {
                id: l.id,
                name: l.name,
                state: l.state,
            });
        }
    }
    Ok((scan, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(id: &str, state: &str) -> Listed {
        Listed {
            id: id.into(),
            name: Some(format!("n{id}")),
            state: state.into(),
        }
    }

    #[test]
    fn only_active_accounts_are_scanned_and_unknown_ids_are_errors() {
        let org = vec![
            l("111111111111", "ACTIVE"),
            l("222222222222", "SUSPENDED"),
            l("333333333333", "ACTIVE"),
        ];
        let (scan, skipped) = choose(org.clone(), &[]).unwrap();
        assert_eq!(scan, ["111111111111", "333333333333"]);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].state, "SUSPENDED");
        let (scan, skipped) = choose(org.clone(), &["333333333333".into()]).unwrap();
        assert_eq!(scan, ["333333333333"]);
        assert!(skipped.is_empty());
        let e = choose(org, &["444444444444".into()]).unwrap_err();
        assert!(
            e.contains("444444444444") && e.contains("111111111111"),
            "{e}"
        );
    }

    #[test]
    fn the_callers_account_uses_its_own_credentials_and_others_a_role() {
        let c = Caller {
            account: "111111111111".into(),
            partition: "aws-us-gov".into(),
        };
        let e = entries(
            &["111111111111".into(), "222222222222".into()],
            &c,
            "audit/VpcreachScan",
        );
        assert_eq!(e[0].1, Entry::Caller);
        assert_eq!(
            e[1].1,
            Entry::Role("arn:aws-us-gov:iam::222222222222:role/audit/VpcreachScan".into())
        );
    }

    #[test]
    fn ids_and_role_names_are_checked() {
        assert!(valid_account_id("012345678901"));
        assert!(!valid_account_id("12345678901"));
        assert!(!valid_account_id("01234567890a"));
        assert!(valid_role_name("OrganizationAccountAccessRole"));
        assert!(valid_role_name("audit/Vpcreach.Scan@x"));
        for bad in ["", "/x", "x/", "a//b", "bad name", "x*", &"r".repeat(65)] {
            assert!(!valid_role_name(bad), "{bad}");
        }
    }
}
