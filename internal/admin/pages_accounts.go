package admin

// The accounts pages of the workspace: the list (by score or recent
// activity) and an account's page (its people with their roles, the
// buying group, score, attributes, anonymous visits, MQAs, and the merge
// and split forms). They are the HTML answers of GET /admin/accounts and
// /admin/accounts/{id}; the forms post to the API's merge and split routes
// with the session's CSRF token.

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/idna"

	"github.com/baton-hq/baton/internal/account"
)

type accountsView struct {
	Sort        string
	Rows        []accountRow
	First, Next string // the first page (from a later one) and the next, "" for none
	Error       string // a bad ?sort=, ?limit= or ?after=: no accounts
}

type accountRow struct {
	A        account.Account
	Domain   string
	Covered  int // roles of the buying group present
	Coverage []roleCount
}

type roleCount struct {
	Role string
	N    int
}

func coverage(a account.Account) ([]roleCount, int) {
	var out []roleCount
	n := 0
	for _, r := range account.Roles {
		out = append(out, roleCount{r, a.Roles[r]})
		if a.Roles[r] > 0 {
			n++
		}
	}
	return out, n
}

// domainOf is the account's first email domain, as people read it.
func domainOf(a account.Account) string {
	if ds := keysOf(a).Domains; len(ds) > 0 {
		return ds[0]
	}
	return ""
}

// accountKeys are an account's grouping keys as people read them: its
// email domains (an internationalised one in its own letters, 例え.jp,
// not xn--r8jz45g.jp) and its company names (as grouped: 株式会社 and
// spaces left out), never the stored keys (d:example.co.jp, n:アクメ).
type accountKeys struct{ Domains, Names []string }

func keysOf(a account.Account) accountKeys {
	var k accountKeys
	for _, key := range a.Keys {
		if d, ok := strings.CutPrefix(key, "d:"); ok {
			if u, err := idna.Display.ToUnicode(d); err == nil && u != "" {
				d = u
			}
			k.Domains = append(k.Domains, d)
		} else if n, ok := strings.CutPrefix(key, "n:"); ok {
			k.Names = append(k.Names, n)
		}
	}
	return k
}

// accountTitle names an account for people: its name, else its domain,
// else the company name it groups by; its id (a1b2…, which only a URL
// needs) when it has none of them.
func accountTitle(a account.Account) string {
	k := keysOf(a)
	switch {
	case a.Name != "":
		return a.Name
	case len(k.Domains) > 0:
		return k.Domains[0]
	case len(k.Names) > 0:
		return k.Names[0]
	}
	return a.ID
}

// Account names an account on a page (accountTitle).
func (p page) Account(a account.Account) string { return accountTitle(a) }

func (h *Handler) accountsPage(w http.ResponseWriter, r *http.Request, by string, as []account.Account, next string) {
	v := accountsView{Sort: by}
	v.First, v.Next = pageLinks("accounts", r.URL.Query(), next)
	for _, a := range as {
		cov, n := coverage(a)
		v.Rows = append(v.Rows, accountRow{A: a, Domain: domainOf(a), Covered: n, Coverage: cov})
	}
	h.render(w, r, http.StatusOK, "accounts", "Accounts", "", "accounts", v)
}

type accountPageView struct {
	A        account.Account  // every member (the split form lists them), the page's read live
	People   []account.Member // the page's members, with their scores now (account.Book.Live)
	PageNo   int              // the page of members, from 1
	Prev     string           // the pages of members before and after, "" for none
	Next     string
	Domain   string
	Keys     accountKeys // its grouping keys, as people read them
	Covered  int
	Coverage []roleCount
	Attrs    []accountAttr
	MQAs     []account.MQA // newest first, those of the accounts merged into it too
	// HeldBy: when the MQA whose window holds back the next was raised,
	// where the page lists no MQA of then (an account merged into this one
	// before merges recorded where from); zero otherwise.
	HeldBy time.Time
	// Others are the accounts the merge form offers: the list's first 200
	// by score, and the one a same-name note's link (?from=) or the form
	// sent names, chosen, wherever it stands in the list.
	Others []mergeOption
	// SameName: another account owns the company name this one gives
	// (account.Book.SameName), "" for none; SameNameIs its name.
	SameName, SameNameIs string
	MergedIntoIs         string // the account it was merged into, named
	// SameNameDomains: on an account of names alone, the accounts of
	// their own domains founded by people giving its name
	// (account.Book.SameNameDomains), each with its domain.
	SameNameDomains []sameNameRow
	Note            string // what the last form did
	Error           string
	Field           string // the form the error is about: merge, split
	// CanChange: the caller may merge and split (the write scope); a
	// read-only session is not shown forms that would answer 403.
	CanChange bool
	self      string // the account's page, relative to the page's address
	// MaxNames, MaxDomains: the grouping keys an account keeps (KeysFull).
	MaxNames, MaxDomains int
}

// mergeOption is an account as the merge form offers it: named, with its
// domain where its name is not it (two accounts named 株式会社アクメ, the
// company's second domain and an impostor's, look alike but for it).
type mergeOption struct {
	ID, Name, Domain string
	People           int
	Chosen           bool
}

func mergeOptionOf(a account.Account, chosen string) mergeOption {
	o := mergeOption{ID: a.ID, Name: accountTitle(a), Domain: domainOf(a), People: len(a.Members), Chosen: a.ID == chosen}
	if o.Domain == o.Name {
		o.Domain = ""
	}
	return o
}

// sameNameRow is an account SameNameDomains names, as the page links it:
// its domain tells the company's own from an impostor's.
type sameNameRow struct{ ID, Name, Domain string }

type accountAttr struct {
	Key, Value string
	FromSFA    bool
}

// accountPage renders an account; base is where /admin/ is relative to
// the page's address (its own, or the form's that answers with it), status
// and the error say what a form got wrong.
func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request, status int, base string, a account.Account, pg int, mqas []account.MQA, errMsg, field string) {
	a, people, err := h.Accounts.Live(r.Context(), a, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := accountPageView{A: a, People: people, PageNo: pg + 1, MaxNames: account.MaxNameKeys, MaxDomains: account.MaxDomainKeys, Domain: domainOf(a), Keys: keysOf(a), Error: errMsg, Field: field, self: base + "accounts/" + url.PathEscape(a.ID)}
	if pg > 0 {
		v.Prev = v.self + "?page=" + strconv.Itoa(pg-1) + "#people"
	}
	if pg+1 < memberPages(len(a.Members)) {
		v.Next = v.self + "?page=" + strconv.Itoa(pg+1) + "#people"
	}
	v.CanChange = canWrite(r)
	v.Coverage, v.Covered = coverage(a)
	keys := make([]string, 0, len(a.Attributes))
	for k := range a.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v.Attrs = append(v.Attrs, accountAttr{Key: k, Value: a.Attributes[k], FromSFA: a.SFA[k] != "" && a.SFA[k] == a.Attributes[k]})
	}
	for i := len(mqas) - 1; i >= 0; i-- {
		v.MQAs = append(v.MQAs, mqas[i])
	}
	if !a.LastMQA.IsZero() && !slices.ContainsFunc(mqas, func(m account.MQA) bool { return !m.At.Before(a.LastMQA) }) {
		v.HeldBy = a.LastMQA
	}
	if errMsg == "" {
		switch r.URL.Query().Get("m") {
		case "merged":
			v.Note = "The other account's people and keys are in this one now."
		case "split":
			v.Note = "The people chosen are in this new account; their keys no longer move them."
		}
	}
	// The accounts one could merge into this one (the list's first 200),
	// and the one to merge chosen: a same-name note's link names it (a
	// second domain's new account, one person, is rarely among the first
	// 200 by score: the note sent the operator to a form that did not
	// offer it), as does the form sent when its page answers.
	others, err := h.Accounts.List(r.Context(), account.ByScore, 200)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	chosen := r.URL.Query().Get("from")
	if f := r.PostForm.Get("from"); f != "" {
		chosen = f
	}
	if !accountID.MatchString(chosen) || chosen == a.ID {
		chosen = ""
	}
	listed := false
	for _, o := range others {
		if o.ID != a.ID {
			v.Others = append(v.Others, mergeOptionOf(o, chosen))
			listed = listed || o.ID == chosen
		}
	}
	if chosen != "" && !listed && a.MergedInto == "" && v.CanChange {
		o, err := h.Accounts.Get(r.Context(), chosen)
		switch {
		case err == nil && o.MergedInto == "":
			v.Others = append([]mergeOption{mergeOptionOf(o, chosen)}, v.Others...)
		case err != nil && !errors.Is(err, account.ErrNotFound):
			h.fail(w, r, err)
			return
		}
	}
	if v.SameName, err = h.Accounts.SameName(r.Context(), a); err != nil {
		h.fail(w, r, err)
		return
	}
	v.SameNameIs = v.SameName
	for _, o := range others {
		if o.ID == v.SameName {
			v.SameNameIs = accountTitle(o)
		}
	}
	if v.SameNameIs != "" && v.SameNameIs == v.SameName { // past the list's first 200: named, not by its id
		if o, err := h.Accounts.Get(r.Context(), v.SameName); err == nil {
			v.SameNameIs = accountTitle(o)
		}
	}
	alike, err := h.Accounts.SameNameDomains(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, o := range alike {
		v.SameNameDomains = append(v.SameNameDomains, sameNameRow{ID: o.ID, Name: cmp.Or(o.Name, o.ID), Domain: domainOf(o)})
	}
	if a.MergedInto != "" { // named as the list names it, when it lists it
		v.MergedIntoIs = a.MergedInto
		for _, o := range others {
			if o.ID == a.MergedInto {
				v.MergedIntoIs = accountTitle(o)
			}
		}
	}
	h.render(w, r, status, "account", accountTitle(a), base, "accounts", v)
}

// switchTo: the language links of a page answering a form lead to the
// account's page (the form's address takes no GET).
func (v accountPageView) switchTo() string { return v.self }

// formPost reports whether the request is a workspace form (a signed-in
// browser's urlencoded post): the page answers it, not JSON.
func formPost(r *http.Request) bool {
	c, ok := callerOf(r)
	return ok && c.Session != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
}

// accountFormError answers a form with the account's page saying what is
// wrong (at the form's address, /admin/accounts/{id}/<form>).
func (h *Handler) accountFormError(w http.ResponseWriter, r *http.Request, id string, status int, msg, field string) {
	a, err := h.Accounts.Get(r.Context(), id)
	if err != nil {
		h.pageError(w, r, http.StatusNotFound, "../../", "No such account.")
		return
	}
	mqas, err := h.Accounts.ShownMQAs(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.accountPage(w, r, status, "../../", a, 0, mqas, msg, field)
}
