"""Opening the portal's pages as a given user."""


def get_as(client, user, url: str, **params):
    """The page at `url` (with query `params`) as `user` sees it."""
    client.force_login(user)
    return client.get(url, params)
