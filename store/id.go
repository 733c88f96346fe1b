package store

import (
	"crypto/rand"
	"strings"
)

// idAlphabet has no characters that sound or look alike over the phone:
// no 0/O, 1/I/L, and no U.
const idAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

const idLen = 8 // characters, not counting the dash

// NewID returns a new random session id such as "K7MQ-4XPD".
func NewID() string {
	out := make([]byte, 0, idLen+1)
	var buf [16]byte
	for {
		rand.Read(buf[:]) // never returns an error (Go 1.24+)
		for _, b := range buf {
			// 240 = 8*30: reject the top 16 values so every character is equally likely.
			if b >= 240 {
				continue
			}
			if len(out) == idLen/2 {
				out = append(out, '-')
			}
			out = append(out, idAlphabet[b%byte(len(idAlphabet))])
			if len(out) == idLen+1 {
				return string(out)
			}
		}
	}
}

// NormaliseID turns an id as a person might type or read it ("k7mq4xpd",
// "K7MQ 4XPD", " k7mq-4xpd ") into its canonical form "K7MQ-4XPD". A string
// that is not shaped like an id from NewID is returned with surrounding space
// trimmed and otherwise unchanged.
func NormaliseID(s string) string {
	t := strings.TrimSpace(s)
	var b [idLen]byte
	n := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '-' || c == ' ':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		if n == idLen || strings.IndexByte(idAlphabet, c) < 0 {
			return t
		}
		b[n] = c
		n++
	}
	if n != idLen {
		return t
	}
	return string(b[:idLen/2]) + "-" + string(b[idLen/2:])
}
