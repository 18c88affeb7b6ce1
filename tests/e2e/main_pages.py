"""The main pages of each role (persona usernames of tests/conftest.py), walked by the browser
tests that hold for every page: the Content-Security-Policy and accessibility. The pages need the
`role_pages_world` fixture (tests/e2e/conftest.py)."""

MAIN_PAGES = {
    "gestor.sef": [
        "/",
        "/acessos/",
        "/ordens/",
        "/ordens/nova/ativacao/",
        "/indisponibilidades/",
        "/chamados/",
        "/relatorios/",
        "/irregularidades/",
        "/irregularidades/nova",
        "/conta/",
    ],
    "servidor.sef": ["/", "/acessos/", "/ordens/"],
    "alfa": ["/", "/chamados/", "/ordens/", "/manutencoes/", "/manutencoes/solicitar", "/multas/"],
    "noc": [
        "/",
        "/painel/",
        "/indisponibilidades/",
        "/chamados/",
        "/irregularidades/",
        "/acessos/",
        "/ordens/",
        "/manutencoes/",
        "/api/docs/",
    ],
    "ugs": [
        "/",
        "/faturamento/",
        "/imr/",
        "/imr/definicoes/",
        "/multas/",
        "/relatorios/resumo/",
    ],
    "comite": ["/", "/imr/comite/", "/relatorios/resumo/"],
    "juridico": ["/", "/multas/"],
    "administrador": ["/", "/admin/"],
}
