//! Amazon Resource Names: the one place that knows their layout
//! (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`), so a notebook's account can be read from its
//! `NotebookInstanceArn` and an `--assume-role` argument can be checked before any call.

/// The account field of an ARN, when it is a 12-digit account ID.
pub fn account_of(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let account = parts.nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// The account of an IAM role ARN (`arn:aws:iam::123456789012:role/NAME`), or `None` when `arn`
/// is not one.
pub fn role_account(arn: &str) -> Option<&str> {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    match fields.as_slice() {
        ["arn", _, "iam", "", _, resource] if resource.starts_with("role/") => account_of(arn),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_read_from_arns() {
        assert_eq!(
            account_of("arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb"),
            Some("111122223333")
        );
        assert_eq!(account_of("arn:aws:s3:::bucket"), None);
        assert_eq!(account_of("nb-1"), None);
        assert_eq!(
            role_account("arn:aws-us-gov:iam::444455556666:role/path/Scan"),
            Some("444455556666")
        );
        assert_eq!(role_account("arn:aws:iam::444455556666:user/bob"), None);
        assert_eq!(role_account("arn:aws:sts::444455556666:role/x"), None);
    }
}
