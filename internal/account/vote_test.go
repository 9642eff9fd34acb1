package account

import "testing"

// TestAccountNameWrittenOut: two people of one company, one writing
// (株)アクメ商事 and one 株式会社アクメ商事: the account is named by the
// name written out, whoever was active last (it took the abbreviation);
// more people writing the abbreviation still decide.
func TestAccountNameWrittenOut(t *testing.T) {
	m := func(company string) Member { return Member{Company: map[string]string{"company": company}} }
	for _, c := range []struct {
		members []Member
		want    string
	}{
		{[]Member{m("(株)アクメ商事"), m("株式会社アクメ商事")}, "株式会社アクメ商事"},
		{[]Member{m("株式会社アクメ商事"), m("㈱アクメ商事")}, "株式会社アクメ商事"},
		{[]Member{m("(株)アクメ商事"), m("(株)アクメ商事"), m("株式会社アクメ商事")}, "(株)アクメ商事"},
		{[]Member{m("Acme Inc."), m("ACME")}, "Acme Inc."},
		// Written out means the most recent person's name that is not
		// abbreviated, not whichever sorts first.
		{[]Member{m("(株)アクメ商事"), m("株式会社アクメ商事"), m("アクメ商事")}, "株式会社アクメ商事"},
		{[]Member{m("㍿アクメ商事"), m("株式会社アクメ商事")}, "株式会社アクメ商事"},
		{[]Member{m("ACME"), m("Acme Inc.")}, "ACME"},
	} {
		if got := vote(c.members)["company"]; got != c.want {
			t.Errorf("%v: %q, want %q", c.members, got, c.want)
		}
	}
}
