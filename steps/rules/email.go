package rules

import (
	"net/mail"
	"strings"
	"unicode"
)

// EmailMaxLength is the longest e-mail address accepted, in bytes (RFC 5321 path limit).
const EmailMaxLength = 254

// EmailLocalMaxLength is the longest local part (before the @), in bytes (RFC 5321).
const EmailLocalMaxLength = 64

// EmailProblem is why an e-mail address was refused; "" means it is acceptable.
type EmailProblem string

// The e-mail problems, in the order CheckEmail tests them (it reports the first).
const (
	EmailOK           EmailProblem = ""
	EmailEmpty        EmailProblem = "email_empty"          // nothing typed
	EmailDisplayName  EmailProblem = "email_display_name"   // "Name <a@b.kz>" or angle brackets: only the bare address is wanted (see NamedEmailAddress)
	EmailSpaces       EmailProblem = "email_spaces"         // a space (or other white space) anywhere, including at the ends
	EmailTooLong      EmailProblem = "email_too_long"       // more than EmailMaxLength bytes
	EmailSyntax       EmailProblem = "email_syntax"         // not an address at all (no @, bad characters, quoted or commented parts …)
	EmailLocalTooLong EmailProblem = "email_local_too_long" // the part before @ is longer than EmailLocalMaxLength bytes
	EmailDomain       EmailProblem = "email_domain"         // the part after @ is not a public domain name (see validDomain)
)

// CheckEmail says whether s is a bare e-mail address the provider can send to: it
// must parse with net/mail.ParseAddress and be exactly the address (no display
// name, no angle brackets, no comments, no quoting), with the RFC 5321 length
// limits and a domain of at least two labels with an alphabetic or punycode TLD.
// Internationalised addresses (Unicode letters in either part) are accepted.
// The input is expected to be trimmed already: white space is reported, never removed.
func CheckEmail(s string) EmailProblem {
	if s == "" {
		return EmailEmpty
	}
	// Before the spaces: "User Name <u@x.com>" has spaces, but what helps is to
	// say that only the address is wanted (and NamedEmailAddress finds it).
	if strings.ContainsAny(s, "<>") {
		return EmailDisplayName
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return EmailSpaces
	}
	if len(s) > EmailMaxLength {
		return EmailTooLong
	}
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return EmailSyntax
	}
	if addr.Name != "" {
		return EmailDisplayName
	}
	if addr.Address != s {
		return EmailSyntax // comments, quoting or anything else the parser dropped or rewrote
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return EmailSyntax
	}
	if at > EmailLocalMaxLength {
		return EmailLocalTooLong
	}
	if !validDomain(s[at+1:]) {
		return EmailDomain
	}
	return EmailOK
}

// NamedEmailAddress is the bare address in an address written with a name or
// in angle brackets, as mail programs copy it: "User Name <u@x.com>",
// `"Name" <u@x.com>`, "<u@x.com>". It returns "" unless CheckEmail reports
// EmailDisplayName for s and the address net/mail.ParseAddress reads from it
// is itself acceptable, so that what it returns can be offered as is.
func NamedEmailAddress(s string) string {
	if CheckEmail(s) != EmailDisplayName {
		return ""
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || CheckEmail(addr.Address) != EmailOK {
		return ""
	}
	return addr.Address
}
