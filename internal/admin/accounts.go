package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/httpx"
)

func (h *Handler) accountRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/accounts", h.Require(ScopeRead, h.listAccounts))
	mux.Handle("GET /admin/accounts/{id}", h.Require(ScopeRead, h.getAccount))
	mux.Handle("POST /admin/accounts/{id}/merge", h.Require(ScopeWrite, h.mergeAccount))
	mux.Handle("POST /admin/accounts/{id}/split", h.Require(ScopeWrite, h.splitAccount))
}

var accountID = regexp.MustCompile(`^a[0-9a-f]{16}$`)

// AccountView is an account with its MQAs: its members are one page of
// them (account.MembersPage, ?page=, most recently active first), each
// with the score their own record holds now (account.Book.Live).
type AccountView struct {
	account.Account
	MemberCount int           `json:"memberCount"` // members in all
	Page        int           `json:"page"`
	Pages       int           `json:"pages"`
	MQAList     []LabelledMQA `json:"mqaList"`
	// SameName: another account has the company name this one gives (a
	// person of a domain no account had founds their own): one to merge
	// where both are one company. "" for none.
	SameName string `json:"sameName,omitempty"`
	// SameNameAccounts: on an account of names alone (its people free
	// mail), the accounts of their own domains founded by people of a
	// corporate domain who gave its company name: the company's own domain
	// or an impostor's, one to merge this account into by hand. Absent for
	// none.
	SameNameAccounts []string `json:"sameNameAccounts,omitempty"`
}

// LabelledMQA is an MQA with the MQA rule's label (the rules file's
// mqa.label in the request's language; the name without one) beside its
// condition, the rule's name.
type LabelledMQA struct {
	account.MQA
	ConditionLabel string `json:"conditionLabel"`
}

// memberPage reads ?page= of an account's members.
func memberPage(r *http.Request) (int, *badParam) {
	return whole(r.URL.Query(), "page", 0, 0, account.MaxMembers/account.MembersPage)
}

// listAccounts lists accounts, ?sort=score (default) or activity, ?limit=.
func (h *Handler) listAccounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bad := oneOf(q, "sort", []string{account.ByScore, account.ByActivity})
	limit := 100
	if bad == nil {
		limit, bad = whole(q, "limit", 100, 1, 1000)
	}
	by := q.Get("sort")
	if by == "" {
		by = account.ByScore
	}
	// next is the after= of the following answer ("" when none): without
	// it a client read the first 1,000 accounts and no more.
	var as []account.Account
	var next string
	if bad == nil {
		var err error
		as, next, err = h.Accounts.ListPage(r.Context(), by, q.Get("after"), limit)
		if errors.Is(err, account.ErrBadCursor) {
			bad = &badParam{Field: "after", Msg: "after is not a cursor this list gave (use the next of the previous answer, under the same sort)"}
		} else {
			if err == nil {
				// The scores as the accounts' pages show them (Book.Live):
				// the items hold back their people's points of the day.
				err = h.Accounts.CurrentPage(r.Context(), as, by)
			}
			if err != nil {
				h.fail(w, r, err)
				return
			}
		}
	}
	if bad != nil {
		if wantsHTML(r) {
			h.render(w, r, http.StatusBadRequest, "accounts", "Accounts", "", "accounts", accountsView{Sort: by, Error: bad.Msg})
			return
		}
		bad.refuse(w)
		return
	}
	if wantsHTML(r) {
		h.accountsPage(w, r, by, as, next)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"accounts": as, "sort": by, "next": next})
}

// pathAccount reads and checks the {id} of the path; a browser is told on
// a page (an address cut short when copied was raw JSON in English).
func (h *Handler) pathAccount(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if !accountID.MatchString(id) {
		if wantsHTML(r) {
			h.pageError(w, r, http.StatusBadRequest, baseOf(r), "This address names no account: an account's id is a followed by 16 hex digits. Open the account from the list.")
			return "", false
		}
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "not an account id (a followed by 16 hex digits)", Field: "id"})
		return "", false
	}
	return id, true
}

func (h *Handler) getAccount(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathAccount(w, r)
	if !ok {
		return
	}
	pg, bad := memberPage(r)
	if bad != nil {
		if wantsHTML(r) {
			h.pageError(w, r, http.StatusBadRequest, "../", bad.Msg)
			return
		}
		bad.refuse(w)
		return
	}
	a, err := h.Accounts.Get(r.Context(), id)
	if errors.Is(err, account.ErrNotFound) && wantsHTML(r) {
		h.pageError(w, r, http.StatusNotFound, "../", "No such account.")
		return
	}
	if err != nil {
		h.accountErr(w, err)
		return
	}
	ms, err := h.Accounts.ShownMQAs(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if wantsHTML(r) {
		h.accountPage(w, r, http.StatusOK, "../", a, pg, ms, "", "")
		return
	}
	a, people, err := h.Accounts.Live(r.Context(), a, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	same, err := h.Accounts.SameName(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	alike, err := h.Accounts.SameNameDomains(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ids []string
	for _, o := range alike {
		ids = append(ids, o.ID)
	}
	n := len(a.Members)
	a.Members = people
	list := make([]LabelledMQA, len(ms))
	for i, m := range ms {
		list[i] = LabelledMQA{MQA: m, ConditionLabel: h.rules().MQALabel(m.Condition, csvLang(r))}
	}
	httpx.JSON(w, http.StatusOK, AccountView{Account: a, MemberCount: n, Page: pg, Pages: memberPages(n), MQAList: list, SameName: same, SameNameAccounts: ids})
}

// memberPages is how many pages of members an account of n has (one when empty).
func memberPages(n int) int {
	return max(1, (n+account.MembersPage-1)/account.MembersPage)
}

func (h *Handler) accountErr(w http.ResponseWriter, err error) {
	var ae *account.Error
	switch {
	case errors.Is(err, account.ErrNotFound):
		httpx.Error(w, http.StatusNotFound, "no such account")
	case errors.As(err, &ae):
		httpx.JSON(w, http.StatusConflict, httpx.ErrorBody{Error: ae.Msg})
	default:
		h.fail(w, nil, err) // the JSON API alone
	}
}

// readJSON decodes a small JSON body strictly into v; false after answering
// what is wrong.
func readJSON(w http.ResponseWriter, r *http.Request, v any, shape string) bool {
	body, status, err := httpx.ReadBody(w, r, 64<<10)
	if err != nil {
		httpx.Error(w, status, err.Error())
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.BadJSON(shape, err))
		return false
	}
	return true
}

// mergeAccount merges the account of the body ({"from": <id>}) into the
// path's.
func (h *Handler) mergeAccount(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathAccount(w, r)
	if !ok {
		return
	}
	var req struct {
		From string `json:"from"`
	}
	form := formPost(r) // the account page's form (csrfToken parsed it)
	if form {
		req.From = r.PostForm.Get("from")
	} else if !readJSON(w, r, &req, `{"from": "<account id>"}`) {
		return
	}
	if !accountID.MatchString(req.From) {
		if form {
			h.accountFormError(w, r, id, http.StatusBadRequest, "Choose the account to merge into this one.", "merge")
			return
		}
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "from must be an account id", Field: "from"})
		return
	}
	a, err := h.Accounts.Merge(r.Context(), id, req.From)
	if form {
		var ae *account.Error
		switch {
		case err == nil:
			seeOther(w, "../"+a.ID+"?m=merged")
			return
		case errors.As(err, &ae):
			h.accountFormError(w, r, id, http.StatusConflict, ae.Msg, "merge")
			return
		case errors.Is(err, account.ErrNotFound): // either account went meanwhile
			h.accountFormError(w, r, id, http.StatusNotFound, "No such account.", "merge")
			return
		}
	}
	if err != nil {
		h.accountErr(w, err)
		return
	}
	httpx.JSON(w, http.StatusOK, a)
}

// maxAccountName is the longest name a split's new account takes, in
// characters (the account page's form has it as its maxlength).
const maxAccountName = 200

// splitAccount moves people ({"people": [ids], "name": ...}) out of the
// path's account into a new one.
func (h *Handler) splitAccount(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathAccount(w, r)
	if !ok {
		return
	}
	var req struct {
		People []string `json:"people"`
		Name   string   `json:"name"`
	}
	form := formPost(r) // the account page's form (csrfToken parsed it)
	if form {
		req.People, req.Name = r.PostForm["people"], r.PostForm.Get("name")
	} else if !readJSON(w, r, &req, `{"people": ["<person id>", ...], "name": "..."}`) {
		return
	}
	req.Name = strings.TrimSpace(req.Name) // spaces alone are no name (Split's too)
	// Characters, as the form's maxlength counts them: 200 bytes refused
	// a Japanese name past its 66th character that the browser let through.
	if utf8.RuneCountInString(req.Name) > maxAccountName {
		if form {
			h.accountFormError(w, r, id, http.StatusBadRequest, "The new account's name: at most 200 characters.", "split")
			return
		}
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "name: at most 200 characters", Field: "name"})
		return
	}
	if form && len(req.People) == 0 {
		h.accountFormError(w, r, id, http.StatusBadRequest, "Choose the people to move to a new account.", "split")
		return
	}
	a, err := h.Accounts.Split(r.Context(), id, req.People, req.Name)
	if form && err == nil {
		seeOther(w, "../"+a.ID+"?m=split")
		return
	}
	var ae *account.Error
	if form && errors.As(err, &ae) {
		h.accountFormError(w, r, id, http.StatusBadRequest, ae.Msg, "split")
		return
	}
	if errors.As(err, &ae) {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: ae.Msg, Field: "people"})
		return
	}
	if err != nil {
		h.accountErr(w, err)
		return
	}
	httpx.JSON(w, http.StatusOK, a)
}
