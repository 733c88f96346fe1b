package rules

import (
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// WebsiteMaxLength is the longest website address the business profile takes, in
// characters (Meta: each of at most 2 websites ≤ 256 characters).
const WebsiteMaxLength = 256

// URLProblem is why a website address was refused; "" means it is acceptable.
type URLProblem string

// The website problems, in the order CheckWebsite tests them (it reports the first).
const (
	URLOK          URLProblem = ""
	URLEmpty       URLProblem = "url_empty"       // nothing typed
	URLSpaces      URLProblem = "url_spaces"      // white space anywhere, including at the ends
	URLTooLong     URLProblem = "url_too_long"    // more than WebsiteMaxLength characters
	URLSyntax      URLProblem = "url_syntax"      // not a URL: control or unsafe characters (< > " { } | \ ^ `), bad escapes, bad port …
	URLNoScheme    URLProblem = "url_no_scheme"   // no "://": the UI may suggest "https://" + input
	URLScheme      URLProblem = "url_scheme"      // a scheme other than http or https (ftp://, mailto: …)
	URLCredentials URLProblem = "url_credentials" // a user name or password before the host (https://user:pass@…)
	URLHost        URLProblem = "url_host"        // no host, an IP address, localhost, or a host without a proper top-level domain
)

// CheckWebsite says whether s is a website address Meta's business profile takes:
// an absolute http:// or https:// URL (scheme in any case) whose host is a public
// domain name (two or more labels, alphabetic or punycode TLD; Unicode domains are
// fine; IP addresses and single-label hosts are not), with an optional port, path,
// query and fragment, no credentials, no white space, at most WebsiteMaxLength
// characters. The input is expected to be trimmed already.
func CheckWebsite(s string) URLProblem {
	if s == "" {
		return URLEmpty
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return URLSpaces
	}
	if utf8.RuneCountInString(s) > WebsiteMaxLength {
		return URLTooLong
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || strings.ContainsRune("<>\"{}|\\^`", r)
	}) {
		return URLSyntax
	}
	i := strings.Index(s, "://")
	if i < 0 {
		return URLNoScheme
	}
	switch strings.ToLower(s[:i]) {
	case "http", "https":
	default:
		return URLScheme
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" {
		return URLSyntax
	}
	if u.User != nil {
		return URLCredentials
	}
	host := u.Hostname()
	if host == "" || net.ParseIP(host) != nil || !validDomain(host) {
		return URLHost
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return URLSyntax
	}
	return URLOK
}

func validPort(p string) bool {
	if len(p) > 5 {
		return false
	}
	n := 0
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
		n = n*10 + int(r-'0')
	}
	return n >= 1 && n <= 65535
}
