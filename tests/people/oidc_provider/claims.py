"""What the test provider says about a person: the e-mail, whether it is verified (not for
members of the group "email-not-verified"), and claims the portal must ignore (roles)."""

from oauth2_provider.oauth2_validators import OAuth2Validator

UNVERIFIED_GROUP = "email-not-verified"


class Claims(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, in the ID token and userinfo alike

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.groups.filter(name=UNVERIFIED_GROUP).exists(),
            "name": user.get_full_name(),
            # A provider may well say this; the portal must never take it as a role.
            "roles": ["admin"],
            "groups": ["admin", "noc"],
        }
