# normalise.sed - what differs between two runs of the same command and is
# not the command's answer: clock times, durations, ports.
s/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]\(\.[0-9]*\)\{0,1\}Z\{0,1\}/<time>/g
s/"\(seconds[a-z_]*\|elapsed[a-z_]*\|ms\|built_at\)": *[-0-9.e+]*/"\1": <t>/g
s/\b[0-9][0-9]*\.[0-9][0-9]* \(s\|ms\|µs\)\b/<t> \1/g
s/127\.0\.0\.1:[0-9][0-9]*/127.0.0.1:<port>/g
