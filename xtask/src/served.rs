//! The page's files as a host serves them (`cargo xtask dist`, and the end-to-end suite, which serves
//! that copy): the ES modules and styles without their whole-line comments (a fifth of their gzip
//! weight, issue 28). The files in `www/` stay as written, comments and all; nothing else changes: no
//! line is joined or reordered and no code is touched, so a stack trace's line numbers are the only
//! difference a reader of the served copy sees.

/// Where the lexer is at the start of a line of JavaScript: in code, or inside a template literal
/// (whose lines are text, kept as they are). `braces` holds, for each `${ ... }` expression open
/// inside a template, the depth of the braces opened within it.
#[derive(Default)]
struct Js {
    /// One entry per open template (`true`) or `${` expression (`false`) inside one.
    stack: Vec<bool>,
    braces: Vec<usize>,
    /// Inside a `/* ... */` comment that started at the beginning of a line.
    block: bool,
}

impl Js {
    fn in_template(&self) -> bool {
        self.stack.last() == Some(&true)
    }

    /// Follows one line of code (not a dropped comment line): strings end with the line; a `//`
    /// outside strings ends it; backticks open and close templates, `${` and `}` their expressions.
    fn scan(&mut self, line: &str) {
        let b = line.as_bytes();
        let mut i = 0;
        let mut quote: Option<u8> = None;
        while i < b.len() {
            let c = b[i];
            if self.in_template() {
                match c {
                    b'\\' => i += 1,
                    b'`' => {
                        self.stack.pop();
                    }
                    b'$' if b.get(i + 1) == Some(&b'{') => {
                        self.stack.push(false);
                        self.braces.push(0);
                        i += 1;
                    }
                    _ => {}
                }
            } else if let Some(q) = quote {
                match c {
                    b'\\' => i += 1,
                    _ if c == q => quote = None,
                    _ => {}
                }
            } else {
                match c {
                    b'\'' | b'"' => quote = Some(c),
                    b'`' => self.stack.push(true),
                    b'/' if b.get(i + 1) == Some(&b'/') => return,
                    b'{' if !self.braces.is_empty() => *self.braces.last_mut().unwrap() += 1,
                    b'}' if !self.braces.is_empty() => {
                        let d = self.braces.last_mut().unwrap();
                        if *d == 0 {
                            self.braces.pop();
                            self.stack.pop();
                        } else {
                            *d -= 1;
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
    }
}

/// `text` of the file `name` as served: for `.js` and `.css`, without the lines that are whole
/// comments (`// ...` in JavaScript, and `/* ... */` blocks that start a line and end one); other
/// files unchanged. A block comment followed by code on its closing line is an error (rewrite it),
/// so that no code is ever dropped.
pub fn strip(name: &str, text: &str) -> Result<String, String> {
    let js = name.ends_with(".js");
    if !js && !name.ends_with(".css") {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut lex = Js::default();
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim();
        if lex.block {
            if let Some(end) = t.find("*/") {
                if !t[end + 2..].trim().is_empty() {
                    return Err(format!("{name}:{}: code after a block comment", n + 1));
                }
                lex.block = false;
            }
            continue;
        }
        let code = !js || !lex.in_template();
        if code && js && t.starts_with("//") {
            continue;
        }
        if code && t.starts_with("/*") {
            match t.find("*/") {
                Some(end) if t[end + 2..].trim().is_empty() => continue,
                Some(_) => {}
                None => {
                    lex.block = true;
                    continue;
                }
            }
        }
        if js {
            lex.scan(line);
        }
        out.push_str(line);
    }
    if lex.block || (js && !lex.stack.is_empty()) {
        return Err(format!(
            "{name}: a comment or template literal does not end"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn whole_line_comments_go_code_and_text_stay() {
        let js = "// a module\n/**\n * docs\n */\nconst a = 1; // kept: code on the line\n  // indented\nconst t = `\n// text of a template\n${f(`inner\n// inner text\n`)}\n/* also text */\n`;\n/* one line */\nconst u = '//' + \"`\"; /* trailing */\n// end\n";
        let want = "const a = 1; // kept: code on the line\nconst t = `\n// text of a template\n${f(`inner\n// inner text\n`)}\n/* also text */\n`;\nconst u = '//' + \"`\"; /* trailing */\n";
        assert_eq!(strip("x.js", js).unwrap(), want);
        let css = "/* theme */\nbody { color: red; } /* kept */\n/*\n block\n*/\na { }\n";
        assert_eq!(
            strip("x.css", css).unwrap(),
            "body { color: red; } /* kept */\na { }\n"
        );
        assert_eq!(strip("x.html", js).unwrap(), js);
    }

    #[test]
    fn code_after_a_closing_comment_or_an_open_template_is_an_error() {
        assert!(strip("x.js", "/* a\n b */ f();\n").is_err());
        assert!(strip("x.js", "const t = `\n").is_err());
        assert!(strip("x.css", "/* never closed\n").is_err());
    }
}
