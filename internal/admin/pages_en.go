package admin

import "regexp"

// The English pages' words for what Baton stores as machine text: an MQL's
// facts as the rules engine words them, a stage change's reason, channel
// and attribute codes. The Japanese pages say these as prose (jatext, the
// ja map); the English ones showed the codes ("behaviour 64 >= 40",
// "sales: rejected", "paid", "employees"). JSON, CSV and the SFA hand-off
// keep the stored text: scripts and the SFA's own fields read it.

// enNames are the English of channels and person attributes, as the
// Japanese names them in jatext.Names ("channel:paid" 広告). A channel or
// attribute not here (a rules file's own) reads as its code.
var enNames = map[string]string{
	"channel:direct": "Direct", "channel:email": "Email", "channel:search": "Organic search", "channel:paid": "Paid ads",
	"channel:social": "Social", "channel:referral": "Referral", "channel:exhibition": "Exhibition", "channel:seminar": "Seminar",
	"channel:webinar": "Webinar", "channel:business-card": "Business card exchange",
	"attr:company": "Company", "attr:title": "Title", "attr:name": "Name", "attr:first_name": "First name", "attr:last_name": "Last name",
	"attr:name_kana": "Name (kana reading)", "attr:first_name_kana": "First name (kana reading)", "attr:last_name_kana": "Last name (kana reading)",
	"attr:department": "Department", "attr:phone": "Phone", "attr:mobile": "Mobile phone", "attr:industry": "Industry", "attr:employees": "Employees", "attr:revenue": "Revenue",
	"attr:country": "Country", "attr:region": "Region", "attr:city": "City", "attr:website": "Website", "attr:budget": "Budget",
	"attr:authority": "Authority", "attr:need": "Need", "attr:timeframe": "Timeframe", "attr:message": "Message",
}

// enPhrases word the run-time texts the rules engine and the stage
// history store (qualify: facts, StageChange.Reason) as English prose; a
// text no pattern knows stays as it is.
var enPhrases = []struct {
	re *regexp.Regexp
	en string
}{
	// An MQL's facts (rulebook; qualify.FactText gives the score's precision).
	{regexp.MustCompile(`^behaviour (\S+) >= (\S+)$`), "behaviour score $1 ≥ $2"},
	{regexp.MustCompile(`^matrix cell (\S+) x (\S+)$`), "behaviour band $1 × grade $2"},
	{regexp.MustCompile(`^BANT (\d) of 4 \((.*)\) >= (\d)$`), "BANT $1 of 4 ($2) ≥ $3"},
}

// enReasons are a stage change's reasons (qualify's StageChange.Reason)
// in English: sales' verdicts and the recycle they cause as sentences.
var enReasons = map[string]string{
	"scoring": "Scoring", "identified": "Identified",
	"sales: accepted": "Sales accepted it", "sales: rejected": "Sales rejected it", "sales: sql": "Sales made it an SQL",
	"sales: opportunity": "Sales made it an opportunity", "sales: won": "Sales won the deal", "sales: lost": "Sales lost the deal",
	"recycled after rejected": "Recycled after sales rejected it", "recycled after lost": "Recycled after sales lost the deal",
}

// enPhrase is s in English prose, "" when no pattern knows it.
func enPhrase(s string) string {
	for _, p := range enPhrases {
		if m := p.re.FindStringSubmatchIndex(s); m != nil {
			return string(p.re.ExpandString(nil, p.en, s, m))
		}
	}
	return ""
}

// StageReason is why a person's stage changed (the stage history's
// reason) in the page's language.
func (p page) StageReason(r string) string {
	if p.L != "ja" {
		if e, ok := enReasons[r]; ok {
			return e
		}
	}
	return p.T(r)
}
