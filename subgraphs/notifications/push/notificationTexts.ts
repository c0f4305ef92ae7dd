/**
 * What each notification says, per locale. Lock-screen safe by construction (OWASP MASVS: a
 * notification is readable by anyone holding the phone): the only variable is `{ref}`, a short
 * order reference; never a name, an email, an amount, an item or an address. The app fetches
 * the details through the graph once unlocked.
 */
export const SUPPORTED_LOCALES = ['en', 'fr', 'de', 'es'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

export type NotificationKind = 'order.paid' | 'order.payment_failed' | 'order.refunded' | 'review.created';

export const NOTIFICATION_TEXTS: Readonly<Record<NotificationKind, Readonly<Record<SupportedLocale, { readonly title: string; readonly body: string }>>>> = {
  'order.paid': {
    en: { title: 'Payment received', body: 'Order …{ref} is paid. Tap for details.' },
    fr: { title: 'Paiement reçu', body: 'La commande …{ref} est payée. Touchez pour voir le détail.' },
    de: { title: 'Zahlung erhalten', body: 'Bestellung …{ref} ist bezahlt. Tippen für Details.' },
    es: { title: 'Pago recibido', body: 'El pedido …{ref} está pagado. Toca para ver los detalles.' },
  },
  'order.payment_failed': {
    en: { title: 'Payment failed', body: 'The payment for order …{ref} did not go through. Tap to try again.' },
    fr: { title: 'Échec du paiement', body: "Le paiement de la commande …{ref} n'a pas abouti. Touchez pour réessayer." },
    de: { title: 'Zahlung fehlgeschlagen', body: 'Die Zahlung für Bestellung …{ref} ist nicht durchgegangen. Tippen, um es erneut zu versuchen.' },
    es: { title: 'Pago fallido', body: 'El pago del pedido …{ref} no se ha completado. Toca para intentarlo de nuevo.' },
  },
  'order.refunded': {
    en: { title: 'Refund issued', body: 'Order …{ref} has been refunded. Tap for details.' },
    fr: { title: 'Remboursement effectué', body: 'La commande …{ref} a été remboursée. Touchez pour voir le détail.' },
    de: { title: 'Erstattung veranlasst', body: 'Bestellung …{ref} wurde erstattet. Tippen für Details.' },
    es: { title: 'Reembolso emitido', body: 'Se ha reembolsado el pedido …{ref}. Toca para ver los detalles.' },
  },
  'review.created': {
    en: { title: 'New review', body: 'A product you reviewed has a new review. Tap to read it.' },
    fr: { title: 'Nouvel avis', body: 'Un produit que vous avez évalué a reçu un nouvel avis. Touchez pour le lire.' },
    de: { title: 'Neue Bewertung', body: 'Ein Produkt, das Sie bewertet haben, hat eine neue Bewertung. Tippen zum Lesen.' },
    es: { title: 'Nueva reseña', body: 'Un producto que has reseñado tiene una reseña nueva. Toca para leerla.' },
  },
};

/** The device's locale tag (`fr-CA`, `de_AT`, `ES`) → a supported locale: the exact tag, then its language, then English. */
export function pickLocale(locale: string): SupportedLocale {
  const tag = locale.trim().replace(/_/g, '-').toLowerCase();
  const exact = SUPPORTED_LOCALES.find((l) => l === tag);
  if (exact !== undefined) return exact;
  const language = tag.split('-')[0];
  return SUPPORTED_LOCALES.find((l) => l === language) ?? 'en';
}
