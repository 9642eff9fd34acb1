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
		// Every short form of legalForms, however it is typed.
		{[]Member{m("（一社）日本アクメ協会"), m("一般社団法人日本アクメ協会")}, "一般社団法人日本アクメ協会"},
		{[]Member{m("(医)アクメ会"), m("医療法人アクメ会")}, "医療法人アクメ会"},
		{[]Member{m("㈾アクメ"), m("合資会社アクメ")}, "合資会社アクメ"},
		{[]Member{m("（株）アクメ商事"), m("株式会社アクメ商事")}, "株式会社アクメ商事"},
	} {
		if got := vote(c.members)["company"]; got != c.want {
			t.Errorf("%v: %q, want %q", c.members, got, c.want)
		}
	}
}
