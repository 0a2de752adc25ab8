# bash completion for herald(1) and heraldd(8)

_herald() {
    local cur prev words cword
    _init_completion || return
    local commands="add show edit rm list status"
    local global="--json --socket --help --version"
    local event_opts="--at --end --duration --tz --location --category --source --description --url --status --tentative --floating --tba"
    case $prev in
        --socket) _filedir; return ;;
        --tz) COMPREPLY=($(compgen -W "$(cd /usr/share/zoneinfo 2>/dev/null && find . -type f -name '[A-Z]*' | sed 's|^\./||')" -- "$cur")); return ;;
        --status) COMPREPLY=($(compgen -W "confirmed tentative cancelled" -- "$cur")); return ;;
        --at|--end|--from|--to|--duration|--location|-l|--category|-c|--source|--description|-d|--url|--uid|--title|-t|--text|--days|--limit) return ;;
    esac
    local cmd="" w
    for w in "${words[@]:1:cword-1}"; do
        case $w in add|show|edit|rm|list|status) cmd=$w; break ;; esac
    done
    case $cmd in
        "") COMPREPLY=($(compgen -W "$commands $global" -- "$cur")) ;;
        add) COMPREPLY=($(compgen -W "$event_opts --uid --public --help" -- "$cur")) ;;
        edit) COMPREPLY=($(compgen -W "$event_opts --title --help" -- "$cur")) ;;
        list) COMPREPLY=($(compgen -W "--from --to --days --past --category --status --text --limit --help" -- "$cur")) ;;
        show|rm|status) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
    esac
}
complete -F _herald herald

_heraldd() {
    local cur prev words cword
    _init_completion || return
    case $prev in
        --config|--db|--socket) _filedir; return ;;
        --log-level) COMPREPLY=($(compgen -W "trace debug info warn error critical off" -- "$cur")); return ;;
        --max-line|--max-clients) return ;;
    esac
    COMPREPLY=($(compgen -W "--system --config --socket --db --log-level --max-line --max-clients --help --version" -- "$cur"))
}
complete -F _heraldd heraldd
