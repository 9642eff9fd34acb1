package account

import (
	"context"
	"sort"
	"sync"

	"github.com/baton-hq/baton/internal/qualify"
)

// MembersPage is how many members an account's page (and GET
// /admin/accounts/{id}) shows at a time, each read live (Book.Live).
const MembersPage = 100

// LiveMembers is how many of an account's members, the most recently
// active, its behaviour and score count as their own score records hold
// them now, wherever the account is shown (the list, its page: Current,
// Live); the others count as the account item holds them. The account item
// keeps a member's points only as of their last change of day, band,
// grade, role, stage or company (sameStanding: rewriting it, up to 300 KB,
// for every page view of a known person would cost its size in write
// units), and the points held back are nearly always those of its most
// recently active people. Read from the item alone, the list showed an
// account at 40 whose page (which read its members live) said 55. A bound,
// not every member: the list reads at most this many records an account it
// shows, however many members or events it has.
const LiveMembers = 20

// listReaders bounds the score records CurrentPage reads at once.
const listReaders = 8

// Live returns page (from 0) of the account's members, most recently
// active first, with the points, grade, band and stage their own score
// records hold now, and the account with its behaviour and score as
// Current gives them (the same on every page, and in the list). One score
// record read per member of the page and of the LiveMembers first, each
// once.
func (b *Book) Live(ctx context.Context, a Account, page int) (Account, []Member, error) {
	from := min(page*MembersPage, len(a.Members))
	to := min(from+MembersPage, len(a.Members))
	held := a.Members
	a.Members = append([]Member(nil), a.Members...) // the caller's stays as read
	if b.Scores == nil {
		return a, a.Members[from:to], nil
	}
	read := func(i int) error {
		rec, err := b.Scores.Record(ctx, a.Members[i].Person)
		if err != nil {
			return err
		}
		a.Members[i] = current(a.Members[i], rec)
		return nil
	}
	for i := range min(LiveMembers, len(a.Members)) {
		if i < from || i >= to {
			if err := read(i); err != nil {
				return Account{}, nil, err
			}
		}
	}
	for i := from; i < to; i++ {
		if err := read(i); err != nil {
			return Account{}, nil, err
		}
	}
	a.sum(a.Members, held)
	return a, a.Members[from:to], nil
}

// Current returns the account with its behaviour and score counting its
// LiveMembers most recently active members as their score records hold
// them now (Live's figures), and those members as read: the list's JSON
// shows each member's score as the account's page does, and its members
// sum to its behaviour (the others as the item holds them).
func (b *Book) Current(ctx context.Context, a Account) (Account, error) {
	if b.Scores == nil {
		return a, nil
	}
	held := a.Members
	a.Members = append([]Member(nil), a.Members...) // the caller's stays as read
	for i := range min(LiveMembers, len(a.Members)) {
		if err := ctx.Err(); err != nil {
			return Account{}, err
		}
		rec, err := b.Scores.Record(ctx, a.Members[i].Person)
		if err != nil {
			return Account{}, err
		}
		a.Members[i] = current(a.Members[i], rec)
	}
	a.sum(a.Members, held)
	return a, nil
}

// CurrentPage gives each account of a list page its Current behaviour and
// score (at most LiveMembers record reads an account, listReaders at a
// time) and, by score, orders the page by them. The pages follow one
// another in the order of the scores the account items hold (ListPage's
// cursor): an account whose people earned points since the item was
// written can stand below an account of a lower score now on the page
// before. The first error (or the caller's cancel) stops the other
// readers: the answer is an error, and reading on for up to 1,000
// accounts (20,000 records) would only add load to a failing store.
func (b *Book) CurrentPage(ctx context.Context, as []Account, by string) error {
	if b.Scores == nil || len(as) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(listReaders, len(as)) {
		wg.Go(func() {
			for i := range next {
				a, err := b.Current(ctx, as[i])
				if err != nil {
					cancel(err) // the first cause stays
					continue
				}
				as[i] = a
			}
		})
	}
feed:
	for i := range as {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if by == ByScore {
		sort.SliceStable(as, func(i, j int) bool { return as[i].Score > as[j].Score })
	}
	return nil
}

// current is a member with the points, grade, band and stage of their
// score record.
func current(m Member, rec qualify.Record) Member {
	m.Behaviour, m.Fit, m.Grade, m.Band, m.Stage = rec.Verdict.Behaviour, rec.Verdict.Fit, rec.Verdict.Grade, rec.Verdict.Band, rec.Stage
	return m
}

// sum sets the account's behaviour and score: the first members of now
// (read live), then the rest of held (as the account item holds them).
func (a *Account) sum(now, held []Member) {
	behaviour := 0.0
	for i, m := range held {
		if i < min(LiveMembers, len(now)) {
			m = now[i]
		}
		behaviour += m.Behaviour
	}
	a.Behaviour = round(behaviour)
	a.Score = round(behaviour + a.Fit)
}
