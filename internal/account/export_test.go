package account

import "context"

// MembershipOf is the account a person's membership names (tests only).
func MembershipOf(ctx context.Context, b *Book, person string) (id string, placed, had bool, err error) {
	m, had, err := b.membership(ctx, person)
	return m.Account, m.Placed, had, err
}
