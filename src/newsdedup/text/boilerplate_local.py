"""Boilerplate lines in German, French, Spanish, Italian, Portuguese, Russian, Ukrainian, Chinese and Japanese.

Pure data: one alternative per boilerplate kind, each anchored at the start of a stripped line like the English
patterns in :mod:`newsdedup.text.boilerplate`, which joins them to its own (one combined pattern, one rule). The
first words (and, for CJK lines, the first characters) that can open them are listed so the cheap first-word
test stays the gate.
"""

from __future__ import annotations

__all__ = ["LOCAL_KIND_PATTERNS", "LOCAL_START_PREFIXES", "LOCAL_START_WORDS"]

_SOCIAL = r"(?:facebook|twitter|x|linkedin|whatsapp|telegram|instagram|tiktok|youtube|vk|вконтакте|threads|微信|微博)"

_SHARE_WORD = r"(?:teilen|partager|compartir|compartilhar|partilhar|condividi|поделиться|поділитися|シェア|ツイート|分享)"

LOCAL_KIND_PATTERNS: dict[str, str] = {
    "share": (
        rf"(?:(?:{_SHARE_WORD}|{_SOCIAL}|e-?mail)[\s:：|,·•/]*){{1,8}}$"
        rf"|(?:artikel\s+teilen|jetzt\s+teilen|partager\s+(?:cet\s+article|sur)|compartir\s+(?:en|esta\s+noticia)"
        rf"|compartilhe|condividi\s+(?:su|questo\s+articolo)|поделиться\s+в|分享到)[\s:：|,·•/]*(?:{_SOCIAL}[\s,|/]*){{0,8}}$"
        rf"|(?:folgen\s+sie\s+uns|suivez[\s-]nous|s[íi]guenos|seguici|siga[\s-]nos|segue[\s-]nos"
        rf"|подписывайтесь\s+на\s+нас|читайте\s+нас|підписуйтесь\s+на\s+нас|关注我们|フォロー)[^\n]{{0,80}}$"
    ),
    "copyright": (
        r"(?:alle\s+rechte\s+vorbehalten|tous\s+droits\s+r[ée]serv[ée]s|todos\s+los\s+derechos\s+reservados"
        r"|tutti\s+i\s+diritti\s+riservati|riproduzione\s+riservata|todos\s+os\s+direitos\s+reservados"
        r"|все\s+права\s+защищены|усі\s+права\s+захищені|всі\s+права\s+захищені|版权所有|版權所有|無断転載"
        r"|未经授权[^\n]{0,20}禁止)[^\n]{0,120}$"
    ),
    "credit": r"(?:mit\s+material\s+von|avec\s+afp|con\s+informaci[óo]n\s+de)[^\n]{0,80}$"
    r"|(?:mitarbeit|责任编辑|責任編輯|编辑|編集)\s*[:：][^\n]{0,80}$",
    "related": (
        r"(?:lesen\s+sie\s+auch|mehr\s+zum\s+thema|auch\s+interessant|weiterlesen|mehr\s+lesen|lire\s+aussi"
        r"|[àa]\s+lire\s+aussi|lire\s+la\s+suite|voir\s+aussi|lee\s+tambi[ée]n|leer\s+m[áa]s|te\s+puede\s+interesar"
        r"|m[áa]s\s+informaci[óo]n|leggi\s+anche|leggi\s+di\s+pi[ùu]|leia\s+tamb[ée]m|leia\s+mais|saiba\s+mais"
        r"|veja\s+tamb[ée]m|читайте\s+также|читать\s+далее|подробнее|читайте\s+також|читати\s+далі"
        r"|相关阅读|相关新闻|延伸阅读|阅读更多|推荐阅读|関連記事|続きを読む|もっと見る)"
        r"\s*(?:(?:[:：›»>|]|-{1,2}|[–—])(?:\s*[^\n]{0,200})?)?$"
    ),
    "advertisement": r"(?:anzeige|werbung|publicit[ée]|publicidad|pubblicit[àa]|publicidade|реклама|广告|広告)"
    r"\s*[:.]?$",
    "subscribe": (
        r"(?:newsletter\s+abonnieren|jetzt\s+abonnieren|abonnez[\s-]vous|s'abonner|inscrivez[\s-]vous"
        r"|suscr[íi]bete|iscriviti|abbonati|assine|inscreva[\s-]se|подписаться|подпишитесь|підписатися"
        r")[^\n]{0,160}$|订阅[^\n]{0,30}$"
    ),
    "image": r"(?:foto|fotos|bild|bilder|photo|imagen|immagine|imagem|фото|світлина|图片|圖片|写真|画像)"
    r"\s*[:：|/][^\n]{0,200}$",
    "tags": r"(?:schlagworte|schlagw[öo]rter|themen|mots[\s-]cl[ée]s|etiquetas|temas|argomenti|tag|теги|метки"
    r"|теги|标签|タグ)\s*[:：][^\n]{0,300}$",
    "navigation": r"(?:drucken|imprimer|imprimir|stampa|печать|друк|kommentare|commentaires|comentarios"
    r"|commenti|comentários|комментарии|коментарі|评论|コメント|nach\s+oben|haut\s+de\s+page|volver\s+arriba)"
    r"\s*(?:\(\d+\))?\s*[:.]?$",
}

LOCAL_START_WORDS = frozenset(
    """
    teilen artikel jetzt compartilhe e-mail email drucken partager compartir compartilhar partilhar condividi поделиться поділитися folgen
    suivez suivez-nous síguenos siguenos seguici siga siga-nos segue-nos подписывайтесь читайте підписуйтесь
    alle tous todos tutti riproduzione все усі всі mitarbeit mit avec con lesen mehr auch weiterlesen lire à
    voir lee leer te más mas leggi leia saiba veja читать подробнее читати anzeige werbung publicité
    publicite publicidad pubblicità pubblicita publicidade реклама newsletter abonnez abonnez-vous s'abonner
    inscrivez inscrivez-vous suscríbete suscribete iscriviti abbonati assine inscreva inscreva-se подписаться
    подпишитесь підписатися foto fotos bild bilder photo imagen immagine imagem фото світлина schlagworte
    schlagwörter schlagworter themen mots-clés mots-cles mots etiquetas temas argomenti tag теги метки drucken
    imprimer imprimir stampa печать друк kommentare commentaires comentarios commenti comentários комментарии
    коментарі nach haut volver
    """.split()  # noqa: SIM905
)
# CJK lines have no spaces: their first characters are tested instead of a first word
LOCAL_START_PREFIXES: tuple[str, ...] = (
    "シェア", "ツイート", "分享", "关注我们", "フォロー", "版权所有", "版權所有", "無断転載", "未经授权", "责任编辑",
    "責任編輯", "编辑", "編集", "相关", "延伸阅读", "阅读更多", "推荐阅读", "関連記事", "続きを読む", "もっと見る",
    "广告", "広告", "订阅", "图片", "圖片", "写真", "画像", "标签", "タグ", "评论", "コメント",
)  # fmt: skip
