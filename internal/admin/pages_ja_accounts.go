package admin

// jaAccounts is the accounts pages in Japanese (joined to ja at start).
var jaAccounts = map[string]string{
	"A person whose email domain no account had founds an account of their own, even with another's company name (anyone can type a name).":                                                                                         "どのアカウントにもないメールドメインの人物は、別のアカウントと同じ会社名を入力していても、そのドメインの新しいアカウントに入ります（会社名は誰でも入力できるため）。",
	"Another account has the same company name; if both are one company (a group company writing from a second domain), merge this account into it on its page:":                                                                    "同じ会社名の別アカウントがあります。両者が同じ会社なら（グループ会社が別のドメインを使っている場合など）、そのアカウントのページでこのアカウントを統合してください：",
	"People with these email domains gave this account's company name; as this account has no domain to check them against, each is an account of its own. If one of them is this company, merge this account into it on its page:": "これらのメールドメインの人物が、このアカウントの会社名を入力しています。このアカウントには照らし合わせる会社のドメインがないため、それぞれ別のアカウントになっています。どれかがこの会社なら、そのアカウントのページでこのアカウントを統合してください：",
	"%d visits from the company's network by browsers nobody is known for; the latest %s.":                                                                                                                                          "この会社のネットワークから、まだ誰か分からないブラウザによる訪問が %d 件あります。最新は %s です。",
	"Account score":    "アカウントスコア",
	"Account to merge": "統合するアカウント",
	"Account":          "アカウント",
	"Accounts":         "アカウント",
	"Anonymous visits": "匿名の訪問",
	"Buying group":     "購買グループ",
	"Choose the account to merge into this one.":  "このアカウントに統合するアカウントを選んでください。",
	"Choose the people to move to a new account.": "新しいアカウントに移す人を選んでください。",
	"Companies and their leads Baton knows (list recipients who have not clicked yet are not counted), grouped by corporate email domain and company name. Score: the people's behaviour plus the company's fit.": "会社と、Baton が把握しているその会社のリードです（まだクリックしていないリストの受信者は数えません）。会社のメールドメインと会社名で名寄せします。スコアは人物の行動スコアの合計に会社の適合度を加えたものです。",
	"Its people and keys move here; people found by its keys land here from now on.": "そのアカウントの人物と名寄せキーがこちらに移ります。以後そのキーで見つかった人はこちらに入ります。",
	"Last active":                         "最終活動",
	"Latest":                              "最新",
	"MQAs":                                "MQA",
	"Merge another account into this one": "別のアカウントをこのアカウントに統合",
	"Merge":                               "統合する",
	"Merged into":                         "統合先",
	"Email domains":                       "メールドメイン",
	"Company names":                       "会社名",
	"New account's name":                  "新しいアカウントの名前",
	"No MQA yet.":                         "MQA はまだありません。",
	"raised by an account since merged into this one": "このアカウントに統合されたアカウントで発生",
	"its window holds back a new MQA here":            "その期間内はここで新しい MQA は発生しません",
	"An MQA raised %s by an account merged into this one holds back a new MQA here until its window has passed.": "このアカウントに統合されたアカウントで %s に発生した MQA の期間が過ぎるまで、ここで新しい MQA は発生しません。",
	"No accounts yet: people join one when they give a corporate email or a company name.":                       "アカウントはまだありません。会社のメールアドレスか会社名が分かった人がアカウントに入ります。",
	"No such account.": "そのアカウントはありません。",
	"This address names no account: an account's id is a followed by 16 hex digits. Open the account from the list.": "このアドレスのアカウント ID は正しくありません（ID は a に続く 16 桁の 16 進数です）。アカウント一覧から開いてください。",
	"None attributed (visits are attributed when the GeoIP ASN database names this company's network).":              "ありません（GeoIP ASN データベースがこの会社のネットワークを示すとき、訪問をアカウントに結び付けます）。",
	"People to move":  "移す人",
	"Pages of people": "人物のページ",
	"Scores as the accounts' pages show them now. The pages follow the scores as last stored: an account whose people earned points since can be on a later page than its score now would place it.":    "スコアは各アカウントのページと同じ現在の値です。ページの並びは最後に保存したスコアの順のため、その後に人物がポイントを得たアカウントは、現在のスコアで並べたときより後のページに表示されることがあります。",
	"Since %s this account has as many grouping keys as it keeps (%d company names, %d domains): new names or domains its people give are not kept as its keys. Merge by hand the accounts they found.": "%s 以降、このアカウントは保持できる上限の名寄せキー（会社名 %d 件、ドメイン %d 件）を持っています。人物が新たに示す会社名やドメインはキーとして保持しません。それらで作られたアカウントは手動で統合してください。",
	"Previous page": "前のページ",
	"Next page":     "次のページ",
	"Scores as each person's own page shows them now.": "スコアは各人物のページと同じく、現在の値です。",
	"Recent activity": "最近の活動",
	"Role":            "役割",
	"Roles are read from job titles (部長 decision maker, 課長 manager, 担当 practitioner…).": "役割は役職から判定します（部長は決裁者、課長は管理職、担当は担当者など）。",
	"Sort by":                         "並べ替え",
	"Sort":                            "並べ替え",
	"Split people into a new account": "人物を新しいアカウントに分割",
	"Split":                           "分割する",
	"The new account's name: at most 200 characters.":                                                           "新しいアカウントの名前は 200 文字までです。",
	"The other account's people and keys are in this one now.":                                                  "もう一方のアカウントの人物と名寄せキーをこのアカウントに統合しました。",
	"The people chosen are in this new account; their keys no longer move them.":                                "選んだ人物をこの新しいアカウントに移しました。以後、名寄せキーで移動することはありません。",
	"The people chosen are placed in the new account: their email domain and company name no longer move them.": "選んだ人物は新しいアカウントに固定され、メールドメインや会社名で移動しなくなります。",
	"; ":            "／", // between an MQA's reasons, which list roles with 、
	"from the SFA":  "SFA の値",
	"missing":       "不在",
	"roles present": "揃っている役割",
}

func init() {
	for k, v := range jaAccounts { // after jatext.Names (pages_ja.go): attributes' and roles' names are the SFA hand-off's too
		if _, ok := ja[k]; !ok {
			ja[k] = v
		}
	}
}
