package crm

import (
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/jatext"
)

// notes are the words a connector writes into an SFA about values it cut
// or left out, in the language of the summary they follow (push.Lead.Lang,
// sfa.language): a Japanese summary was followed by "Not on the Lead as
// Baton has it" and "(cut to 128 characters)".
type notes struct {
	cut     string // field, length, full value
	badMail string // field, value: an address Salesforce refuses
	sfHead  string
	sfMore  string
	dupRule string // the rule's name
	// The rule refused the update of the Lead the MQL is on: its name,
	// the records it matched (dupNone: it named none).
	dupEdit, dupNone string
	acName           string // length, the company's name: longer than an Account's Name
	// An Account the duplicate rule matched, the MQA put on it: the
	// rule's name and Baton's account id set on it, the other Baton
	// account's id it holds, or why the org refused Baton's id on it.
	acDup, acDupOther, acDupRefused string
	acDupMore                       string // the other Accounts matched
	acHead                          string
	hsCut                           string // property, length
	hsLeft                          string // property, HubSpot's reason, value
	hsMail                          string // the address HubSpot refuses
	hsHead                          string
	hsMore                          string
	hsPerson                        string // the link to the person's page in Baton, in a note
	ktLeft                          string // label, value
	ktHead                          string
	ktMore                          string
	kept                            string // field, sales' value, the person's new value
	mark                            string // before a URL on no site of the team's (event.OffsiteMark)
	sites                           []string
	ja                              bool // the notes are Japanese: a field is named by its attribute's Japanese name too (field)
	// notProvided is what Baton writes in a required field it has no
	// value for (a Lead's LastName and Company, a kintone app's required
	// text field), in the team's language: sales read it on the record.
	notProvided string
}

// field names the SFA's field (or property) holding the person's
// attribute attr, for a note: in Japanese by the attribute's name, the
// field's own after it, 役職［Title］, where the Japanese note said
// "Title（128 文字に切り詰め）" to a rep who knows the field as 役職; the
// field's name alone in English, or for an attribute of no Japanese name.
func (w notes) field(field, attr string) string {
	if !w.ja {
		return field
	}
	name := jatext.Names["attr:"+attr]
	if attr == "email" {
		name = "メールアドレス"
	}
	if name == "" || name == field {
		return field
	}
	return name + "［" + field + "］"
}

// on are the notes quoting values with the team's sites (push.Lead.Sites,
// account.MQA.Sites): a URL there is written as it is.
func (w notes) on(sites []string) notes {
	w.sites = sites
	return w
}

// text is a value the person gave (a form's), as the notes quote it into
// text the SFA shows with its URLs as links: any URL in it not on the
// team's sites (every one, when the notes know none: on) marked and no
// link, as the summary writes it (event.Unlinked).
func (w notes) text(v string) string { return event.Unlinked(v, w.sites, w.mark) }

var (
	notesEN = notes{
		cut:     "%s (cut to %d characters): %s",
		badMail: "%s (an address Salesforce does not take, left off the Lead): %s",
		sfHead:  "\nNot on the Lead as Baton has it:\n",
		sfMore:  "\n[cut to fit Salesforce's 32,000 characters]\n",
		dupRule: "Duplicate rule %s: Salesforce matched this record to the lead (the same email) and refused a new Lead; nothing of it was written here",
		dupEdit: "Duplicate rule %s: Salesforce refused Baton's update of this Lead, as a duplicate of %s; the MQL is on this Lead all the same, its fields left as they were (nothing of the lead written to it; merge the records, or let the rule allow edits)",
		dupNone: "records whose ids it did not give",
		acName:  "Company name (longer than the Account's Name, %d characters): %s",
		acHead:  "\nNot on the Account as Baton has it:\n",
		acDup: "Duplicate rule %s: Salesforce matched the company to this Account, which sales keep, and refused a new Account; " +
			"the MQA is on this one as it is, with only Baton's account id (%s) set on it",
		acDupOther: "Duplicate rule %s: Salesforce matched the company to this Account, which sales keep, and refused a new Account; " +
			"the MQA is on this one as it is, nothing written on it: it holds Baton's id of another account (%s)",
		acDupRefused: "Duplicate rule %s: Salesforce matched the company to this Account, which sales keep, and refused a new Account; " +
			"the MQA is on this one as it is, nothing written on it: the org refused Baton's account id on it (%s)",
		acDupMore:   "The rule matched these Accounts too, left as they are (this one is the oldest; merge them if they are one company): %s",
		hsCut:       "%s (cut to %d characters, the rest left off)",
		hsLeft:      "%s (%s, left off the contact): %s",
		hsMail:      "email (an address HubSpot does not take, INVALID_EMAIL: HubSpot takes only plain ASCII addresses by RFC 2822 whose domain ends in a known top-level domain; the contact was made without it): %s",
		hsHead:      "\nNot on the contact as Baton has it:\n",
		hsMore:      "\n[cut to fit HubSpot's note]",
		hsPerson:    "Open the person in Baton (journey, score explained)",
		ktLeft:      "%s (not a value the field takes, left out): %s",
		ktHead:      "\nNot in the record as Baton has it:\n",
		ktMore:      "\n[cut to fit the field]\n",
		kept:        "%s (kept as sales have it, %s; the person now gives): %s",
		mark:        event.OffsiteMark("en"),
		notProvided: "[not provided]",
	}
	notesJA = notes{
		cut:     "%s（%d 文字に切り詰め）：%s",
		badMail: "%s（Salesforce が受け付けないアドレスのため、リードに入れていません）：%s",
		sfHead:  "\nリードに入りきらなかった値（Baton が受け取ったまま）：\n",
		sfMore:  "\n［Salesforce の 32,000 文字に収まるよう、ここで切り詰めました］\n",
		dupRule: "重複ルール %s：Salesforce がこのレコードを同じメールアドレスのリードと判定し、リードの新規作成を拒否しました。このレコードには何も書き込んでいません",
		dupEdit: "重複ルール %s：Salesforce はこのリードの更新を %s との重複と判定して拒否しました。MQL はこのリードに登録しましたが、リードの項目は更新していません（このリードには何も書き込んでいません。同じ人物なら統合するか、ルールの編集時の動作を変えてください）",
		dupNone: "ID の示されないレコード",
		acName:  "会社名（取引先名の %d 文字より長いため、切り詰めて登録）：%s",
		acHead:  "\n取引先に入りきらなかった値（Baton が受け取ったまま）：\n",
		acDup: "重複ルール %s：Salesforce がこの会社を営業が管理しているこの取引先と判定し、取引先の新規作成を拒否しました。" +
			"MQA はこの取引先に登録し、Baton の取引先 ID（%s）だけを書き込みました",
		acDupOther: "重複ルール %s：Salesforce がこの会社を営業が管理しているこの取引先と判定し、取引先の新規作成を拒否しました。" +
			"MQA はこの取引先に登録しましたが、別の Baton 取引先の ID（%s）を持つため、何も書き込んでいません",
		acDupRefused: "重複ルール %s：Salesforce がこの会社を営業が管理しているこの取引先と判定し、取引先の新規作成を拒否しました。" +
			"MQA はこの取引先に登録しましたが、Baton の取引先 ID の書き込みは拒否されたため、何も書き込んでいません（%s）",
		acDupMore:   "重複ルールは次の取引先にも一致しました。そのままにしています（最も古いこの取引先を選びました。同じ会社なら統合してください）：%s",
		hsCut:       "%s（%d 文字に切り詰め、以降は入れていません）",
		hsLeft:      "%s（%s。コンタクトに入れていません）：%s",
		hsMail:      "email（HubSpot が受け付けないアドレスです（INVALID_EMAIL）。HubSpot は RFC 2822 の ASCII だけのアドレスで、ドメインが実在するトップレベルドメインで終わるものしか受け付けません。コンタクトはメールアドレスなしで作成しました）：%s",
		hsHead:      "\nコンタクトに入りきらなかった値（Baton が受け取ったまま）：\n",
		hsMore:      "\n［HubSpot のノートに収まるよう、ここで切り詰めました］",
		hsPerson:    "Baton で人物ページを開く（行動の履歴とスコアの内訳）",
		ktLeft:      "%s（フィールドが受け付けない値のため、入れていません）：%s",
		ktHead:      "\nレコードに入りきらなかった値（Baton が受け取ったまま）：\n",
		ktMore:      "\n［フィールドに収まるよう、ここで切り詰めました］\n",
		kept:        "%s（営業が入力した「%s」のまま。本人が新たに入力した値）：%s",
		mark:        event.OffsiteMark("ja"),
		notProvided: "（未入力）",
		ja:          true,
	}
)

// notesIn are the notes in lang ("ja": Japanese; else English).
func notesIn(lang string) notes {
	if lang == "ja" {
		return notesJA
	}
	return notesEN
}
