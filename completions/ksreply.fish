complete -c ksreply -l resume -d 'Go on with a saved draft: edit (unless --no-edit), confirm and send it' -r -F
complete -c ksreply -l check -d 'Check a draft\'s netiquette (top-posting, untrimmed quote, long lines, HTML...) and print the warnings; with MESSAGE, compare with the reply ksreply would draft to it' -r -F
complete -c ksreply -l msgid -d 'In an mbox, reply to the message with this Message-ID (default: the first)' -r
complete -c ksreply -l series-version -d 'With --series: this revision (vN) of the series (default: the newest in the thread)' -r
complete -c ksreply -l patches -d 'With --series: only these patches (1-based: 1-3,5); the cover letter is never answered then' -r
complete -c ksreply -l draft -d 'Where to write the draft (default: a new file in the drafts directory); an existing file is never overwritten without --force' -r -F
complete -c ksreply -l recipients -d 'Who gets the reply' -r -f -a "all\t'Group reply with the improvements described in the man page (default)'
public-inbox\t'Exactly the Reply instructions of a public-inbox (lore.kernel.org) page'
sender\t'Only the author (Reply-To, else From)'"
complete -c ksreply -l from -d 'Your address for From (default: sendemail.from, else user.name and user.email); one valid address, else an error' -r
complete -c ksreply -l identity -d 'Use the sendemail.<IDENTITY>.* settings, as git send-email --identity does' -r
complete -c ksreply -l quote-prefix -d 'Prefix for quoted lines' -r
complete -c ksreply -l attribution -d 'Attribution template (overrides git config ksreply.attribution): %n name, %e address, %d date, %i Message-ID, %s Subject, %% a percent sign' -r
complete -c ksreply -l trailer -d 'Add a review trailer (Reviewed-by:, Acked-by:, Tested-by:) with your identity below the quote; on a patch the commit message is quoted down to its trailers and the diff cut; repeatable' -r -f -a "reviewed\t'Reviewed-by:'
acked\t'Acked-by:'
tested\t'Tested-by:'"
complete -c ksreply -l quote-lines -d 'Quote only these lines of the original text (1-based, both included): N..M, N.., ..M or N' -r
complete -c ksreply -l base -d 'Archive to fetch Message-IDs from (default: git config ksreply.baseurl, else https://lore.kernel.org/all/)' -r
complete -c ksreply -l timeout -d 'Network timeout in seconds (connect and whole request)' -r
complete -c ksreply -l smtp-server -d 'SMTP server or absolute path of a sendmail program (overrides sendemail.smtpServer)' -r
complete -c ksreply -l smtp-server-port -d 'SMTP port (overrides sendemail.smtpServerPort)' -r
complete -c ksreply -l smtp-encryption -d 'ssl (implicit TLS), tls (STARTTLS) or none (overrides sendemail.smtpEncryption)' -r
complete -c ksreply -l smtp-user -d 'SMTP user name (overrides sendemail.smtpUser); the password comes from sendemail.smtpPass or git credential' -r
complete -c ksreply -l sendmail-cmd -d 'Pipe the message into this command instead of SMTP (overrides sendemail.sendmailCmd)' -r
complete -c ksreply -l smtp-ssl-cert-path -d 'Trusted CA certificate(s): a PEM file or a directory (overrides sendemail.smtpSSLCertPath)' -r -F
complete -c ksreply -l smtp-domain -d 'HELO/EHLO name (overrides sendemail.smtpDomain)' -r
complete -c ksreply -l envelope-sender -d 'Envelope sender (overrides sendemail.envelopeSender)' -r
complete -c ksreply -l generate -d 'Print the man page or a shell completion script (as committed in man/ and completions/)' -r -f -a "man\t'The man page (roff), as man/ksreply.1'
bash\t''
zsh\t''
fish\t''"
complete -c ksreply -l strict -d 'Fail (exit 6) when the netiquette check warns: with --check, and before sending (the draft is kept)'
complete -c ksreply -l plain-text -d 'The input is plain text, not a message: print it quoted (implies --print --body-only)'
complete -c ksreply -l latest -d 'In an mbox or fetched thread, reply to the newest message by Date'
complete -c ksreply -l series -d 'Reply to each patch of the series MESSAGE belongs to (its cover letter or any patch; a Message-ID is fetched with its thread, or give the mbox as MBOX): one draft per patch, edited in turn, one confirmation, each reply threaded to its patch'
complete -c ksreply -l list -d 'List the thread (or the mbox) one message a line: depth-indented subject, author, date, Message-ID; with --json an array'
complete -c ksreply -s p -l print -d 'Write the draft to standard output'
complete -c ksreply -l git-send-email -d 'Print the equivalent `git send-email` command (public-inbox\'s Reply instructions)'
complete -c ksreply -l mailto -d 'Print the mailto: link with every recipient of the draft (To comma-separated, Cc); with --recipients public-inbox, a public-inbox page\'s own link'
complete -c ksreply -l json -d 'Print one JSON object (from, to, cc, subject, in_reply_to, references, draft_path, body, ...)'
complete -c ksreply -l body-only -d 'With --print: only the body (attribution and quote), e.g. for an aerc template'
complete -c ksreply -l headers-only -d 'With --print: only the header block (From, To, Cc, Subject, In-Reply-To, References)'
complete -c ksreply -l force -d 'With --draft: replace an existing file'
complete -c ksreply -l new -d 'Start a new draft even when an unsent draft of the same reply exists (default: go on with it)'
complete -c ksreply -l drafts -d 'List the unsent drafts (date, recipients, subject, path; with --json an array)'
complete -c ksreply -l keep-signature -d 'Keep the original\'s signature (from the "-- " line) in the quote'
complete -c ksreply -l quote-attachments -d 'Also quote text and patch attachments (text/plain, text/x-patch, text/x-diff) below their marker line, as mutt does; git config ksreply.quoteAttachments'
complete -c ksreply -l no-quote -d 'Do not quote the original (no attribution either)'
complete -c ksreply -l flowed -d 'Write the quote as format=flowed (RFC 3676) instead of fixed lines'
complete -c ksreply -l thread -d 'Fetch the whole thread (t.mbox.gz) and reply to the message named by --msgid or --latest; on a terminal without them, pick it from the thread'
complete -c ksreply -l offline -d 'Use only the local cache; never touch the network'
complete -c ksreply -l refresh -d 'Fetch again even when the message is in the cache'
complete -c ksreply -l no-edit -d 'Do not open the editor on the draft'
complete -c ksreply -s y -l yes -d 'Send without asking for confirmation'
complete -c ksreply -l dry-run -d 'Show what would be sent (envelope and full message); send nothing'
complete -c ksreply -l no-keep -d 'Delete the draft after sending instead of moving it to sent/'
complete -c ksreply -l trim -d 'After editing, cut every quoted run you did not answer (a comment keeps the quote right above it: in a diff its file\'s diff --git line, the hunk\'s @@ header and the lines down to it); git config ksreply.trim'
complete -c ksreply -s v -l verbose -d 'More detail on standard error (which recipient rules applied, ...)'
complete -c ksreply -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ksreply -s V -l version -d 'Print version'
