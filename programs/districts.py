"""Chongqing's 38 county-level divisions (26 区, 8 县, 4 自治县), in the official order."""

DISTRICTS: list[str] = [
    "万州区",
    "涪陵区",
    "渝中区",
    "大渡口区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "綦江区",
    "大足区",
    "渝北区",
    "巴南区",
    "黔江区",
    "长寿区",
    "江津区",
    "合川区",
    "永川区",
    "南川区",
    "璧山区",
    "铜梁区",
    "潼南区",
    "荣昌区",
    "开州区",
    "梁平区",
    "武隆区",
    "城口县",
    "丰都县",
    "垫江县",
    "忠县",
    "云阳县",
    "奉节县",
    "巫山县",
    "巫溪县",
    "石柱土家族自治县",
    "秀山土家族苗族自治县",
    "酉阳土家族苗族自治县",
    "彭水苗族土家族自治县",
]

DISTRICT_CHOICES: list[tuple[str, str]] = [(name, name) for name in DISTRICTS]

# The nine central districts (主城九区); the rest are outer districts and counties.
CENTRAL_DISTRICTS: frozenset[str] = frozenset(
    ["渝中区", "大渡口区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区", "渝北区", "巴南区"]
)

# Chongqing's three areas (一区两群): 主城都市区, 渝东北三峡库区城镇群 and 渝东南武陵山区城镇群.
AREAS: dict[str, list[str]] = {
    "主城都市区": [
        "渝中区",
        "大渡口区",
        "江北区",
        "沙坪坝区",
        "九龙坡区",
        "南岸区",
        "北碚区",
        "渝北区",
        "巴南区",
        "涪陵区",
        "长寿区",
        "江津区",
        "合川区",
        "永川区",
        "南川区",
        "綦江区",
        "大足区",
        "璧山区",
        "铜梁区",
        "潼南区",
        "荣昌区",
    ],
    "渝东北三峡库区城镇群": [
        "万州区",
        "开州区",
        "梁平区",
        "城口县",
        "丰都县",
        "垫江县",
        "忠县",
        "云阳县",
        "奉节县",
        "巫山县",
        "巫溪县",
    ],
    "渝东南武陵山区城镇群": [
        "黔江区",
        "武隆区",
        "石柱土家族自治县",
        "秀山土家族苗族自治县",
        "酉阳土家族苗族自治县",
        "彭水苗族土家族自治县",
    ],
}

AREA_OF_DISTRICT: dict[str, str] = {district: area for area, members in AREAS.items() for district in members}
