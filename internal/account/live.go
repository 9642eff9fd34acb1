package account

import "context"

// MembersPage is how many members an account's page (and GET
// /admin/accounts/{id}) shows at a time, each read live (Book.Live).
const MembersPage = 100

// Live returns page (from 0) of the account's members, most recently
// active first, with the points, grade, band and stage their own score
// records hold now, and the account with its behaviour and score summed
// over those. The account item keeps a member's points only as of their
// last change of day, band, grade, role, stage or company (sameStanding:
// rewriting it, up to 300 KB, for every page view of a known person would
// cost its size in write units), so read from it alone the account's page
// showed 5 for a member whose own page said 20. One score record read per
// member of the page, never more; members past the page count in the
// account's sums as the account item holds them.
func (b *Book) Live(ctx context.Context, a Account, page int) (Account, []Member, error) {
	from := min(page*MembersPage, len(a.Members))
	to := min(from+MembersPage, len(a.Members))
	a.Members = append([]Member(nil), a.Members...) // the caller's stays as read
	if b.Scores == nil {
		return a, a.Members[from:to], nil
	}
	for i := from; i < to; i++ {
		rec, err := b.Scores.Record(ctx, a.Members[i].Person)
		if err != nil {
			return Account{}, nil, err
		}
		m := &a.Members[i]
		m.Behaviour, m.Fit, m.Grade, m.Band, m.Stage = rec.Verdict.Behaviour, rec.Verdict.Fit, rec.Verdict.Grade, rec.Verdict.Band, rec.Stage
	}
	behaviour := 0.0
	for _, m := range a.Members {
		behaviour += m.Behaviour
	}
	a.Behaviour = round(behaviour)
	a.Score = round(behaviour + a.Fit)
	return a, a.Members[from:to], nil
}
