"""Who a person is, how they proved it, and what they may see: accounts, personal tokens, invitations,
passwords and sign-in, the engine's mode (local or shared) and administrators."""
