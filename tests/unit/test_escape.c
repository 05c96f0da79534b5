/* bench/common/escape.c: each output kind on hostile text, and cutting to fit. */
#include <string.h>

#include "check.h"
#include "common/escape.h"

struct esc_case {
	const char *in, *want;
};

static void table(const char *kind, esc_fn fn, const struct esc_case *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char out[512];
		size_t need = fn(out, sizeof out, t[i].in);
		CHECK(!strcmp(out, t[i].want) && need == strlen(t[i].want), "%s: case %zu gives %s",
		      kind, i + 1, t[i].want);
	}
}

#define TABLE(fn, t) table(#fn, fn, t, sizeof t / sizeof *t)

void test_escape(void)
{
	static const struct esc_case term[] = {
		{ "plain text, ok", "plain text, ok" },
		{ "a\nsummary: 0 regressions", "a\\nsummary: 0 regressions" },
		{ "\x1b[2J\x1b]0;title\x07", "\\x1b[2J\\x1b]0;title\\x07" },
		{ "cr\rtab\tdel\x7f", "cr\\rtab\\tdel\\x7f" },
		{ "c1 \xc2\x85 \xc2\x9b", "c1 \\u0085 \\u009b" },
		{ "bad \xff\xc3 utf8", "bad \\xff\\xc3 utf8" },
		{ "overlong \xc0\xaf", "overlong \\xc0\\xaf" },
		{ "back\\slash", "back\\\\slash" },
		{ "bidi \xe2\x80\xae rtl", "bidi \\u202e rtl" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac" },
		{ "", "" },
	};
	TABLE(esc_terminal, term);
	static const struct esc_case tap[] = {
		{ "sysfs-wc:0000:01:00.0:bar2", "sysfs-wc:0000:01:00.0:bar2" },
		{ "x # SKIP fake", "x \\# SKIP fake" },
		{ "x\nok 1 - fake", "x\\nok 1 - fake" },
		{ "a\\#b", "a\\\\\\#b" },
		{ "\x1b[31mred", "\\x1b[31mred" },
	};
	TABLE(esc_tap, tap);
	static const struct esc_case md[] = {
		{ "plain, words", "plain, words" },
		{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;" },
		{ "](javascript:alert(1))", "\\](javascript:alert(1))" },
		{ "a|b", "a\\|b" },
		{ "*b* _i_ `c` ~s~ [l] \\ #h !", "\\*b\\* \\_i\\_ \\`c\\` \\~s\\~ \\[l\\] \\\\ \\#h \\!" },
		{ "a & \"q\" 'q'", "a &amp; \"q\" 'q'" },
		{ "line\nbreak\r\ttab", "line break  tab" },
		{ "- item", "\\- item" },
		{ "12. item", "12\\. item" },
		{ "1.5 GB/s", "1.5 GB/s" },
		{ "    code", "&#32;   code" },
		{ "\x1b[2J \xc2\x85 \xff", "\\\\x1b\\[2J \\\\u0085 \\\\xff" },
	};
	TABLE(esc_markdown, md);
	static const struct esc_case html[] = {
		{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "a&b \"q\" 'q'", "a&amp;b &quot;q&quot; &#39;q&#39;" },
		{ "line\nkept\ttab", "line\nkept\ttab" },
		{ "\x1b[2J\r\xc2\x85\xfe", "\\x1b[2J\\r\\u0085\\xfe" },
	};
	TABLE(esc_html, html);
	static const struct esc_case xml_text[] = {
		{ "a<b>&c\"'", "a&lt;b&gt;&amp;c&quot;&apos;" },
		{ "line\n\ttab\rcr", "line\n\ttab&#13;cr" },
		{ "esc\x1b bel\x07 vt\x0b", "esc\\x1b bel\\x07 vt\\x0b" },
		{ "\xef\xbf\xbe\xef\xbf\xbf \xc2\x80 \xed\xa0\x80", "\\ufffe\\uffff \\u0080 \\xed\\xa0\\x80" },
		{ "]]>", "]]&gt;" },
	};
	TABLE(esc_xml_text, xml_text);
	static const struct esc_case xml_attr[] = {
		{ "a\nb\tc\rd", "a&#10;b&#9;c&#13;d" },
		{ "\"x\"", "&quot;x&quot;" },
	};
	TABLE(esc_xml_attr, xml_attr);
	static const struct esc_case csv[] = {
		{ "plain", "plain" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\rhere", "\"cr\rhere\"" },
		{ "\x1b[2J \xff", "\x1b[2J \xff" },
		{ "", "" },
	};
	TABLE(esc_csv, csv);

	/* cut to fit: never inside an escape or a character, and nothing after the cut */
	char out[8];
	size_t need = esc_terminal(out, sizeof out, "abcde\x1bxyz");
	CHECK(!strcmp(out, "abcde") && need == strlen("abcde\\x1bxyz"),
	      "esc_terminal: a cut drops the escape that does not fit whole and all after it");
	need = esc_markdown(out, 5, "a<b");
	CHECK(!strcmp(out, "a") && need == strlen("a&lt;b"), "esc_markdown: a cut never splits an entity");
	need = esc_terminal(out, 3, "\xc3\xa9\xc3\xa9");
	CHECK(!strcmp(out, "\xc3\xa9") && need == 4, "esc_terminal: a cut never splits a UTF-8 character");
	need = esc_csv(out, 6, "a,bcdef");
	CHECK(!strcmp(out, "\"a,b\"") && need == 9, "esc_csv: a cut field keeps both quotes");
	need = esc_terminal(NULL, 0, "\n");
	CHECK(need == 2, "esc_terminal: outlen 0 only measures");

	struct sbuf b = { 0 };
	char longer[700];
	memset(longer, '<', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	sb_esc(&b, esc_html, longer);
	CHECK(!b.oom && b.len == 4 * (sizeof longer - 1) && !strncmp(b.s, "&lt;&lt;", 8) && !strchr(b.s, '<'),
	      "sb_esc: a text longer than its stack buffer is escaped whole");
	sb_free(&b);
}
