package rules

// Vertical is one business category of the WhatsApp business profile: Code is
// what the Graph API takes in "vertical", Label is the English name shown in
// Meta's own screens.
type Vertical struct{ Code, Label string }

// DefaultVertical is the guide's default category.
const DefaultVertical = "OTHER"

// verticals lists Meta's current categories (api-facts.md; the older UNDEFINED and
// NOT_A_BIZ are left out) in display order: by label, with Other last.
var verticals = [...]Vertical{
	{"ALCOHOL", "Alcoholic beverages"},
	{"AUTO", "Automotive"},
	{"BEAUTY", "Beauty, spa and salon"},
	{"APPAREL", "Clothing and apparel"},
	{"EDU", "Education"},
	{"ENTERTAIN", "Entertainment"},
	{"EVENT_PLAN", "Event planning and service"},
	{"FINANCE", "Finance and banking"},
	{"GROCERY", "Food and grocery"},
	{"PHYSICAL_GAMBLING", "Gambling and gaming (in person)"},
	{"HOTEL", "Hotel and lodging"},
	{"HEALTH", "Medical and health"},
	{"NONPROFIT", "Non-profit organisation"},
	{"ONLINE_GAMBLING", "Online gambling and gaming"},
	{"OTC_DRUGS", "Over-the-counter drugs"},
	{"PROF_SERVICES", "Professional services"},
	{"GOVT", "Public service"},
	{"RESTAURANT", "Restaurant"},
	{"RETAIL", "Shopping and retail"},
	{"TRAVEL", "Travel and transportation"},
	{"OTHER", "Other"},
}

// Verticals returns Meta's business categories in display order (a new slice on
// every call, so callers may change it freely).
func Verticals() []Vertical {
	out := make([]Vertical, len(verticals))
	copy(out, verticals[:])
	return out
}

// IsVertical reports whether code is one of Verticals' codes (exact, upper case).
func IsVertical(code string) bool {
	_, ok := VerticalLabel(code)
	return ok
}

// VerticalLabel returns the English label of a category code.
func VerticalLabel(code string) (label string, ok bool) {
	for _, v := range verticals {
		if v.Code == code {
			return v.Label, true
		}
	}
	return "", false
}
