"""SP-4: seed the help center (English and Spanish) so it exists in every environment.

Source: the provider's knowledge base (seed/partner-program-kb.es.txt). Idempotent:
existing (slug, language) rows are left as staff edited them.
"""

from django.db import migrations

ARTICLES = [
    {
        "slug": "how-to-become-a-partner",
        "category": "partner_program",
        "position": 10,
        "en": (
            "How to become a partner: conditions and how to apply",
            """Any company registered in the commercial register (Swiss UID, French SIRET or the equivalent elsewhere) can become a partner (reseller) when it meets these conditions:

- the products managed through the program add up to at least 2,000 CHF per year or 1,800 EUR per year;
- the partner supports its clients for the products it manages;
- the partner is responsible for its clients' invoices for the products it manages;
- contracts won through the tender platform use only the provider's products;
- the partner understands and accepts the reseller terms.

To apply, open Partners in the manager menu and fill in the application: your register number, the expected yearly volume, your active website, and tick each condition. Staff review the application and you are emailed at every step.

Individuals can't become partners: if you want to recommend our products and earn commissions on your conversions, join the affiliate program instead. An org enrolled in the affiliate program can't also be a partner.""",
        ),
        "es": (
            "Cómo ser socio: condiciones y solicitud",
            """Toda sociedad inscrita en el Registro Mercantil (UID suizo, SIRET francés u organismo equivalente) puede convertirse en socio o distribuidor si cumple estas condiciones:

- la totalidad de productos gestionados en el marco del programa representa al menos 2000 CHF/año o 1800 €/año;
- el socio asegura la asistencia de sus clientes para los productos que gestiona;
- el socio es responsable de las facturas de sus clientes para los productos que gestiona;
- el socio utiliza exclusivamente los productos del proveedor para los contratos obtenidos mediante la plataforma de licitaciones;
- el socio comprende y respeta las condiciones especiales de distribuidores.

Para solicitarlo, abre Socios en el menú del manager y completa la solicitud: número de registro, volumen anual previsto, sitio web activo, y marca cada condición. El personal revisa la solicitud y recibirás un correo en cada paso.

Los particulares no pueden ser socios: si deseas recomendar nuestros productos y ganar comisiones por tus conversiones, únete al programa de afiliados. Una organización inscrita en el programa de afiliados no puede ser también socio.""",
        ),
    },
    {
        "slug": "limited-or-full-access",
        "category": "partnerships",
        "position": 20,
        "en": (
            "Limited or full access: what a partner can do for a client",
            """Limited access

- The client gives its partner access to specific products only.
- The partner manages only the products the client assigned to it.
- The partner can't order or renew products for the client.
- The partner earns revenue when the client buys or renews the products it manages.
- A client may have several limited partners, as long as they manage different products.

Full access

- The client gives its partner access to all its products, present and future.
- The partner can order and renew products for the client.
- Client and partner choose the payment method used for orders and renewals.
- The partner earns revenue on orders and renewals.
- A client can have only one full-access partner.""",
        ),
        "es": (
            "Acceso limitado o completo: qué puede hacer un socio por su cliente",
            """Acceso limitado

- El cliente concede a su socio acceso específicamente a ciertos productos.
- El socio gestiona únicamente los productos cuya gestión le ha asignado el cliente.
- El socio no puede encargar ni renovar productos para su cliente.
- El socio recibe ingresos cuando el cliente compra o renueva los productos que gestiona.
- El cliente puede tener varios socios con acceso limitado siempre y cuando gestionen productos diferentes.

Acceso completo

- El cliente concede a su socio acceso a todos sus productos.
- El socio puede encargar y renovar productos para su cliente.
- El cliente y el socio establecen el método de pago de los pedidos y las renovaciones.
- El socio recibe ingresos por los pedidos o renovaciones de productos.
- El cliente sólo puede tener un único socio con acceso completo.""",
        ),
    },
    {
        "slug": "who-pays-cashback-or-discount",
        "category": "billing",
        "position": 30,
        "en": (
            "Who pays? Cashback or discount of up to 35%",
            """Partners get a recurring cashback or a discount of up to 35% on the products, on top of the degressive web-hosting prices.

With full access, client and partner choose who pays:

- Client pays: the client is invoiced and pays the orders and renewals, including those placed by the partner. The partner earns cashback on them. Invoices are visible only in the client's organization.
- Partner pays: the partner is invoiced and pays orders and renewals for its client, directly at its reseller discount. Invoices are visible only in the partner's organization, and the partner can re-invoice its client.

In both cases the partner also earns cashback on the orders and renewals the client places itself, and products are always installed in the client's organization.

The client can change the payment method at any time from its partner's profile; the partner is notified by email.""",
        ),
        "es": (
            "¿Quién paga? Cashback o descuento de hasta el 35%",
            """Los socios reciben cashback recurrente o descuentos de hasta el -35% en los productos, que se acumulan a las tarifas decrecientes de los alojamientos web.

Con acceso completo, el cliente y el socio eligen quién paga:

- Paga el cliente: el cliente gestiona la facturación y paga los pedidos y las renovaciones, incluidos los realizados por el socio. El socio recibe un ingreso (cashback). Las facturas sólo son accesibles en la organización del cliente.
- Paga el socio: el socio gestiona la facturación y paga los pedidos y las renovaciones de su cliente, directamente con sus descuentos de distribuidor. Las facturas sólo son accesibles en la organización del socio, que puede refacturarlas a su cliente.

En ambos casos el socio también recibe cashback por los pedidos y renovaciones que realice directamente su cliente, y los productos se instalan siempre en la organización del cliente.

El cliente puede cambiar el método de pago en cualquier momento desde el perfil de su socio; el socio recibe una notificación por correo electrónico.""",
        ),
    },
    {
        "slug": "tender-platform-and-directory",
        "category": "tenders",
        "position": 40,
        "en": (
            "The tender platform and the partner directory",
            """Visitors and customers can send free quote requests from the public site. These requests are received exclusively by our approved partners: they are never public.

As a partner, choose the kinds of requests you want to receive (categories, regions, languages), answer with a quote, and commit to using only the provider's products for contracts won this way.

Partners can also appear for free in the partner directory, with a "verified partner" badge, to improve their visibility and search-engine ranking.""",
        ),
        "es": (
            "La plataforma de licitaciones y el directorio de socios",
            """Las visitas y los clientes pueden lanzar solicitudes de presupuesto gratis desde el sitio público. Nuestros socios aprobados las reciben en exclusiva: nunca son públicas.

Como socio, eliges qué solicitudes recibir (categorías, regiones, idiomas), respondes con un presupuesto y te comprometes a utilizar exclusivamente los productos del proveedor para los contratos obtenidos así.

También puedes aparecer gratis en el directorio de socios, con la insignia de «socio verificado», para fortalecer tu indexación, tu notoriedad y autenticar tu estado.""",
        ),
    },
    {
        "slug": "support-code-and-vip-code",
        "category": "support",
        "position": 50,
        "en": (
            "Support code and VIP code",
            """Your support code lets our support team identify you quickly and safely when you call us. Find it on the Support page of the manager, or in the support box at the bottom of every manager page. You can generate a new one at any time: the old one stops working at once.

The VIP code is reserved for organizations subscribed to Premium Support (Pro or Business). It is shown in the same places, next to your support code. To subscribe, contact us.

Neither code is the authorization code (AuthInfo or EPP code) used to transfer a domain name. Never give that one on the phone.

From the same Support page, legal representatives and administrators can give our support staff temporary access to their mail and drive services: for 1 hour, 24 hours or 7 days, with a reason. It can be revoked at any time, expires by itself, and every access is recorded in the audit trail and emailed to the legal representatives.""",
        ),
        "es": (
            "Código de soporte y código VIP",
            """El código de soporte permite que el departamento de soporte te identifique de manera rápida y segura cuando nos llamas. Lo encontrarás en la página Soporte del manager, o en el recuadro de soporte al pie de cada página del manager. Puedes generar uno nuevo en cualquier momento: el anterior deja de funcionar de inmediato.

El código VIP está reservado para las organizaciones suscritas al Soporte Premium (Pro o Empresa). Se muestra en los mismos lugares, junto al código de soporte. Para suscribirte, contacta con nosotros.

Ninguno de los dos es el código de autorización (AuthInfo o código EPP) utilizado para transferir nombres de dominio. Nunca lo des por teléfono.

Desde la misma página Soporte, los responsables legales y los administradores pueden otorgar al personal de soporte acceso temporal a sus servicios de correo y almacenamiento: durante 1 hora, 24 horas o 7 días, con un motivo. Se puede revocar en cualquier momento, caduca sola, y cada acceso queda registrado en el historial de auditoría y se comunica por correo a los responsables legales.""",
        ),
    },
    {
        "slug": "whistleblower-protection-policy",
        "category": "policies",
        "position": 60,
        "en": (
            "Do you have a whistleblower-protection policy?",
            """Yes. The provider has a whistleblower-protection policy. All the information is available at:

https://news.infomaniak.com/es/seguridad-y-proteccion-de-datos/""",
        ),
        "es": (
            "¿Tenéis política de protección de denunciantes?",
            """Sí, el proveedor tiene una política de protección de denunciantes (canal de alertas). Puedes consultar toda la información en la siguiente dirección:

https://news.infomaniak.com/es/seguridad-y-proteccion-de-datos/""",
        ),
    },
    {
        "slug": "why-choose-us",
        "category": "partner_program",
        "position": 70,
        "en": (
            "Partner advantages and why choose us",
            """Partner advantages:

- competitive prices on the usual domain-name extensions;
- recurring cashback or discounts of up to 35% on products, on top of the degressive web-hosting prices;
- free access to the WordPress theme and plugin catalog, claimed from the partner console;
- a dedicated console to manage your clients, your collaborators' rights and your revenue.

An independent Swiss company with more than 25 years of experience, data hosted and processed in Switzerland, and ISO 27001, ISO 9001, ISO 14001 and ISO 50001 certifications.""",
        ),
        "es": (
            "Ventajas de los socios y por qué elegirnos",
            """Ventajas como socio:

- tarifas competitivas para las extensiones de nombre de dominio habituales;
- cashback recurrente o descuentos de hasta el -35% en los productos, acumulables a las tarifas decrecientes de los alojamientos web;
- acceso gratuito al catálogo de temas y plugins WordPress, desde la consola de socio;
- una consola dedicada a la gestión de tus clientes, de los derechos de tus colaboradores y de tus ingresos.

Empresa suiza independiente con más de 25 años de experiencia, datos alojados y procesados en Suiza, y certificaciones ISO 27001, ISO 9001, ISO 14001 e ISO 50001.""",
        ),
    },
]


def seed(apps, schema_editor):
    HelpArticle = apps.get_model("tickets", "HelpArticle")
    for article in ARTICLES:
        for language in ("en", "es"):
            title, body = article[language]
            HelpArticle.objects.get_or_create(
                slug=article["slug"],
                language=language,
                defaults={
                    "title": title,
                    "body": body,
                    "category": article["category"],
                    "position": article["position"],
                    "published": True,
                },
            )


def unseed(apps, schema_editor):
    HelpArticle = apps.get_model("tickets", "HelpArticle")
    HelpArticle.objects.filter(slug__in=[a["slug"] for a in ARTICLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
